using System.Net;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

[Trait("Category", "Integration")]
public sealed class EventsAndOperationsApiTests
{
    [Fact]
    public async Task GetEvents_PagesFromCursor_WithEveryEventField()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");
        for (var i = 1; i <= 5; i++)
        {
            await server.PostJsonAsync("/v1/sessions/ses_a/append",
                $$"""{"type":"content","payload":{"n":{{i}}},"actor":"agent:x","producer_id":"p","producer_seq":{{i}},"source":"agent","metadata":{"m":1},"refs":{"r":2},"idempotency_key":"k{{i}}"}""");
        }

        var page = await (await server.GetAsync("/v1/sessions/ses_a/events?cursor=2&limit=2")).JsonAsync();

        Assert.Equal([3L, 4L], page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(4, page.GetProperty("next_cursor").GetInt64());
        Assert.Equal(5, page.GetProperty("last_seq").GetInt64());
        var e3 = page.GetProperty("events")[0];
        Assert.Equal("""{"n":3}""", e3.GetProperty("payload").GetRawText());
        Assert.Equal("agent", e3.GetProperty("source").GetString());
        Assert.Equal("""{"m":1}""", e3.GetProperty("metadata").GetRawText());
        Assert.Equal("""{"r":2}""", e3.GetProperty("refs").GetRawText());
        Assert.Equal("k3", e3.GetProperty("idempotency_key").GetString());
        Assert.Equal("p", e3.GetProperty("producer_id").GetString());
        Assert.Matches(@"Z$", e3.GetProperty("inserted_at").GetString());
    }

    [Theory]
    [InlineData("cursor=-1", "invalid_cursor")]
    [InlineData("cursor=abc", "invalid_cursor")]
    [InlineData("cursor=99", "invalid_cursor")]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=5000", "invalid_limit")]
    public async Task GetEvents_BadQuery_Returns400(string query, string code)
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");

        await (await server.GetAsync("/v1/sessions/ses_a/events?" + query)).AssertErrorAsync(400, code);
    }

    [Fact]
    public async Task GetEvents_MissingSession_Returns404()
    {
        await using var server = await ServerHost.StartAsync();

        await (await server.GetAsync("/v1/sessions/ses_none/events")).AssertErrorAsync(404, "session_not_found");
    }

    [Fact]
    public async Task Health_LiveAndReady_Return200Ok()
    {
        await using var server = await ServerHost.StartAsync();

        Assert.Equal("""{"status":"ok"}""", await server.Client.GetStringAsync("/health/live", TestContext.Current.CancellationToken));
        Assert.Equal("""{"status":"ok"}""", await server.Client.GetStringAsync("/health/ready", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_ReturnJsonErrors()
    {
        await using var server = await ServerHost.StartAsync();

        await (await server.GetAsync("/v2/anything")).AssertErrorAsync(404, "not_found");
        await (await server.Client.DeleteAsync("/v1/sessions/ses_a", TestContext.Current.CancellationToken)).AssertErrorAsync(405, "method_not_allowed");
    }

    [Fact]
    public async Task Restart_OnTheSameDataDirectory_KeepsSessionsAndEvents()
    {
        var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");
        await server.PostJsonAsync("/v1/sessions/ses_a/append", """{"type":"t","payload":{"v":1},"actor":"a","producer_id":"p","producer_seq":1}""");
        await server.StopAsync();

        await using var restarted = await ServerHost.StartAsync(server.DataDirectory);
        var page = await (await restarted.GetAsync("/v1/sessions/ses_a/events")).JsonAsync();
        Assert.Equal(1, page.GetProperty("last_seq").GetInt64());
        var retry = await restarted.PostJsonAsync("/v1/sessions/ses_a/append", """{"type":"t","payload":{"v":1},"actor":"a","producer_id":"p","producer_seq":1}""");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True((await retry.JsonAsync()).GetProperty("deduped").GetBoolean());
    }
}
