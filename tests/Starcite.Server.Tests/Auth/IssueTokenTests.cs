using System.Net;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Auth;

/// <summary><c>POST /v1/auth/issue</c>: who may issue, what a valid request gets, and every rule of the body.</summary>
[Trait("Category", "Integration")]
public sealed class IssueTokenTests
{
    [Fact]
    public async Task AServiceToken_IssuesAPrincipalToken_InTheOriginalShape()
    {
        await using var host = await AuthHost.StartAsync();
        var response = await host.PostAsync("/v1/auth/issue", host.ServiceToken(),
            """{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read","session:read"],"session_ids":["ses_a"],"ttl_seconds":120}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(120, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(host.Now.ToUnixTimeSeconds() + 120, body.GetProperty("expires_at").GetInt64());
        Assert.Equal(["session:read"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("user", body.GetProperty("principal").GetProperty("type").GetString());
        Assert.Equal(["ses_a"], body.GetProperty("session_ids").EnumerateArray().Select(s => s.GetString()));

        var defaults = await (await host.PostAsync("/v1/auth/issue", host.ServiceToken(),
            """{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"]}""")).JsonAsync();
        Assert.Equal(600, defaults.GetProperty("expires_in").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, defaults.GetProperty("session_ids").ValueKind);
    }

    [Theory]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":[]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"}}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:delete"]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":"session:read"}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"],"ttl_seconds":901}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"],"ttl_seconds":0}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"],"ttl_seconds":99999999999999999999}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"],"ttl_seconds":"soon"}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"a1","type":"agent"},"scopes":["session:read"]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"a1","type":"agent"},"scopes":["session:read"],"session_ids":["s1","s2"]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"a1","type":"agent"},"scopes":["session:read"],"session_ids":[]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"],"session_ids":["../etc"]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"],"session_ids":[1]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u1","type":"admin"},"scopes":["session:read"]}""")]
    [InlineData("""{"principal":{"tenant_id":"","id":"u1","type":"user"},"scopes":["session:read"]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"u\u0000","type":"user"},"scopes":["session:read"]}""")]
    [InlineData("""{"principal":{"tenant_id":"acme","id":"\uD800","type":"user"},"scopes":["\uD800"]}""")]
    [InlineData("""{"principal":"acme:u1","scopes":["session:read"]}""")]
    [InlineData("""{"scopes":["session:read"]}""")]
    public async Task ABadIssueRequest_Gets400InvalidIssueRequest(string body)
    {
        await using var host = await AuthHost.StartAsync();
        var message = await (await host.PostAsync("/v1/auth/issue", host.ServiceToken(), body)).AssertErrorAsync(400, "invalid_issue_request");
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyServiceTokens_MayIssue()
    {
        await using var host = await AuthHost.StartAsync();
        const string body = """{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"]}""";
        var principal = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes);
        await (await host.PostAsync("/v1/auth/issue", principal, body)).AssertErrorAsync(403, "forbidden");
        await (await host.PostAsync("/v1/auth/issue", null, body)).AssertErrorAsync(401, "unauthorized");

        await using var off = await ServerHost.StartAsync(); // auth off: nobody vouches for the principal
        await (await off.PostJsonAsync("/v1/auth/issue", body)).AssertErrorAsync(403, "forbidden");
    }

    [Fact]
    public async Task WithoutASecret_NothingIsIssued_AndServiceTokensStillWork()
    {
        await using var host = await AuthHost.StartAsync(new Dictionary<string, string?> { ["Starcite:Auth:PrincipalTokenSecret"] = null });
        await (await host.PostAsync("/v1/auth/issue", host.ServiceToken(), """{"principal":{"tenant_id":"a","id":"u","type":"user"},"scopes":["session:read"]}"""))
            .AssertErrorAsync(403, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/sessions", host.ServiceToken())).StatusCode);
    }
}
