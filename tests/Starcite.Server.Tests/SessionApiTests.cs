using System.Net;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

[Trait("Category", "Integration")]
public sealed class SessionApiTests
{
    [Fact]
    public async Task PostSessions_WithIdTitleMetadata_Returns201AndTheSessionObject()
    {
        await using var server = await ServerHost.StartAsync();

        var response = await server.PostJsonAsync("/v1/sessions", """{"id":"ses_demo","title":"Draft contract","metadata":{"tenant_id":"acme"}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await response.JsonAsync();
        Assert.Equal("ses_demo", session.GetProperty("id").GetString());
        Assert.Equal("Draft contract", session.GetProperty("title").GetString());
        Assert.Equal("acme", session.GetProperty("metadata").GetProperty("tenant_id").GetString());
        Assert.Equal(0, session.GetProperty("last_seq").GetInt64());
        Assert.Equal(0, session.GetProperty("archived_seq").GetInt64());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", session.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task PostSessions_EmptyBody_GeneratesAnId()
    {
        await using var server = await ServerHost.StartAsync();

        var response = await server.Client.PostAsync("/v1/sessions", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Matches("^ses_[A-Za-z0-9_-]{22}$", (await response.JsonAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task PostSessions_ExistingId_Returns409SessionExists()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");

        await (await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""")).AssertErrorAsync(409, "session_exists");
    }

    [Theory]
    [InlineData("""{"id":"-bad"}""", "invalid_session_id")]
    [InlineData("""{"id":"has space"}""", "invalid_session_id")]
    [InlineData("""{"id":42}""", "invalid_session_id")]
    [InlineData("""{"metadata":[1]}""", "invalid_metadata")]
    [InlineData("""{"metadata":"x"}""", "invalid_metadata")]
    [InlineData("""{"creator_principal":{"tenant_id":"t","id":"u","type":"robot"}}""", "invalid_event")]
    [InlineData("""{"id":""", "invalid_json")]
    [InlineData("""[1,2]""", "invalid_json")]
    public async Task PostSessions_BadBody_Returns400WithCode(string body, string code)
    {
        await using var server = await ServerHost.StartAsync();

        await (await server.PostJsonAsync("/v1/sessions", body)).AssertErrorAsync(400, code);
    }

    [Fact]
    public async Task GetSession_Missing_Returns404SessionNotFound()
    {
        await using var server = await ServerHost.StartAsync();

        await (await server.GetAsync("/v1/sessions/ses_missing")).AssertErrorAsync(404, "session_not_found");
    }

    [Fact]
    public async Task ListSessions_PagesWithCursorAndFiltersByMetadata()
    {
        await using var server = await ServerHost.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            var tenant = i % 2 == 0 ? "acme" : "other";
            await server.PostJsonAsync("/v1/sessions", $$$"""{"id":"s{{{i}}}","metadata":{"tenant_id":"{{{tenant}}}","n":{{{i}}}}}""");
        }

        var first = await (await server.GetAsync("/v1/sessions?limit=2")).JsonAsync();
        Assert.Equal(["s0", "s1"], first.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal("s1", first.GetProperty("next_cursor").GetString());
        var last = await (await server.GetAsync("/v1/sessions?limit=3&cursor=s1")).JsonAsync();
        Assert.Equal(["s2", "s3", "s4"], last.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, last.GetProperty("next_cursor").ValueKind);

        var acme = await (await server.GetAsync("/v1/sessions?metadata[tenant_id]=acme&metadata[n]=2")).JsonAsync();
        Assert.Equal(["s2"], acme.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    public async Task ListSessions_BadLimit_Returns400InvalidLimit(string query)
    {
        await using var server = await ServerHost.StartAsync();

        await (await server.GetAsync("/v1/sessions?" + query)).AssertErrorAsync(400, "invalid_limit");
    }
}
