using System.Net;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Auth;

/// <summary>The policy matrix for principal tokens: scopes, tenant fencing on every operation, agent binding, actor
/// and creator derived from the token, and a listing fenced to the principal's own sessions.</summary>
[Trait("Category", "Integration")]
public sealed class PrincipalPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachMissingScope_Gets403ForbiddenScope()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_u1", "acme", "u1");
        var noCreate = await host.IssueAsync("acme", "u1", "user", ["session:read", "session:append"]);
        var noRead = await host.IssueAsync("acme", "u1", "user", ["session:create", "session:append"]);
        var noAppend = await host.IssueAsync("acme", "u1", "user", ["session:create", "session:read"]);

        await (await host.PostAsync("/v1/sessions", noCreate, "{}")).AssertErrorAsync(403, "forbidden_scope");
        foreach (var path in new[] { "/v1/sessions", "/v1/sessions/ses_u1", "/v1/sessions/ses_u1/events" })
        {
            await (await host.GetAsync(path, noRead)).AssertErrorAsync(403, "forbidden_scope");
        }

        await (await Tail(host, "ses_u1", noRead)).AssertErrorAsync(403, "forbidden_scope");
        await (await host.PostAsync("/v1/sessions/ses_u1/append", noAppend, Append(1))).AssertErrorAsync(403, "forbidden_scope");

        // With the scope, the same principal may.
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions/ses_u1/append", noRead, Append(1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/sessions/ses_u1/events", noAppend)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions", noAppend, "{}")).StatusCode);
    }

    [Fact]
    public async Task ATenantMismatch_IsForbiddenOnEveryOperation()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_acme", "acme", "u1");
        // The same principal id in another tenant, even explicitly bound to the session, stays out.
        var other = await host.IssueAsync("globex", "u1", "user", AuthHost.AllScopes, ["ses_acme"]);
        var otherAgent = await host.IssueAsync("globex", "a1", "agent", AuthHost.AllScopes, ["ses_acme"]);

        foreach (var token in new[] { other, otherAgent })
        {
            await (await host.GetAsync("/v1/sessions/ses_acme", token)).AssertErrorAsync(403, "forbidden_tenant");
            await (await host.GetAsync("/v1/sessions/ses_acme/events", token)).AssertErrorAsync(403, "forbidden_tenant");
            await (await host.PostAsync("/v1/sessions/ses_acme/append", token, Append(1))).AssertErrorAsync(403, "forbidden_tenant");
            await (await Tail(host, "ses_acme", token)).AssertErrorAsync(403, "forbidden_tenant");
            using var upgrade = await RawWebSocket.ConnectAsync(host.Server.BaseAddress, $"/v1/sessions/ses_acme/tail?cursor=0&access_token={token}", Ct);
            Assert.Equal(403, upgrade.Status);
            Assert.Contains("forbidden_tenant", upgrade.Body, StringComparison.Ordinal);
        }

        await (await host.PostAsync("/v1/sessions", other, """{"metadata":{"tenant_id":"acme"}}""")).AssertErrorAsync(403, "forbidden_tenant");
        await (await host.PostAsync("/v1/sessions", other, """{"creator_principal":{"tenant_id":"acme","id":"u1","type":"user"}}"""))
            .AssertErrorAsync(403, "forbidden_tenant");
        var listed = await (await host.GetAsync("/v1/sessions", other)).JsonAsync();
        Assert.Empty(listed.GetProperty("sessions").EnumerateArray());

        var events = await (await host.GetAsync("/v1/sessions/ses_acme/events", host.ServiceToken())).JsonAsync();
        Assert.Empty(events.GetProperty("events").EnumerateArray()); // nothing got in
    }

    [Fact]
    public async Task AnAgent_ReachesOnlyItsOneSession_AndCannotCreateOrList()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_mine", "acme", "u1");
        await host.CreateSessionAsync("ses_other", "acme", "u1");
        var agent = await host.IssueAsync("acme", "drafter", "agent", AuthHost.AllScopes, ["ses_mine"]);

        await (await host.GetAsync("/v1/sessions/ses_other", agent)).AssertErrorAsync(403, "forbidden_session");
        await (await host.GetAsync("/v1/sessions/ses_other/events", agent)).AssertErrorAsync(403, "forbidden_session");
        await (await host.PostAsync("/v1/sessions/ses_other/append", agent, Append(1))).AssertErrorAsync(403, "forbidden_session");
        await (await Tail(host, "ses_other", agent)).AssertErrorAsync(403, "forbidden_session");
        await (await host.GetAsync("/v1/sessions/ses_missing", agent)).AssertErrorAsync(403, "forbidden_session"); // no existence oracle
        await (await host.PostAsync("/v1/sessions", agent, "{}")).AssertErrorAsync(403, "forbidden");
        await (await host.GetAsync("/v1/sessions", agent)).AssertErrorAsync(403, "forbidden");

        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions/ses_mine/append", agent, Append(1))).StatusCode);
        var events = await (await host.GetAsync("/v1/sessions/ses_mine/events", agent)).JsonAsync();
        Assert.Equal("agent:drafter", events.GetProperty("events")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task AUser_ReachesTheSessionsItCreatedOrIsBoundTo_AndNoOthers()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_own", "acme", "u1");
        await host.CreateSessionAsync("ses_colleague", "acme", "u2");
        await host.CreateSessionAsync("ses_shared", "acme", "u2");
        var user = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes);
        var bound = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes, ["ses_shared"]);

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/sessions/ses_own", user)).StatusCode);
        await (await host.GetAsync("/v1/sessions/ses_colleague", user)).AssertErrorAsync(403, "forbidden_session");
        await (await host.PostAsync("/v1/sessions/ses_colleague/append", user, Append(1))).AssertErrorAsync(403, "forbidden_session");
        await (await host.GetAsync("/v1/sessions/ses_missing", user)).AssertErrorAsync(404, "session_not_found");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/sessions/ses_shared", bound)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/sessions/ses_own", bound)).StatusCode); // owner either way
    }

    [Fact]
    public async Task TheActor_IsDerivedFromTheToken_AndCannotBeSpoofed()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_u1", "acme", "u1");
        var user = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes);

        var spoofed = await (await host.PostAsync("/v1/sessions/ses_u1/append", user, Append(1, "agent:someone-else"))).AssertErrorAsync(403, "forbidden");
        Assert.Contains("user:u1", spoofed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions/ses_u1/append", user, Append(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions/ses_u1/append", user, Append(2, "user:u1"))).StatusCode);

        var events = await (await host.GetAsync("/v1/sessions/ses_u1/events", user)).JsonAsync();
        Assert.All(events.GetProperty("events").EnumerateArray(), e => Assert.Equal("user:u1", e.GetProperty("actor").GetString()));
        Assert.Equal(2, events.GetProperty("last_seq").GetInt64()); // the spoofed append left no trace

        // A service token names its actor, as with auth off.
        await (await host.PostAsync("/v1/sessions/ses_u1/append", host.ServiceToken(), Append(3))).AssertErrorAsync(400, "invalid_event");
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions/ses_u1/append", host.ServiceToken(), Append(3, "service:bot"))).StatusCode);
    }

    [Fact]
    public async Task Create_TakesTheCreatorFromTheToken()
    {
        await using var host = await AuthHost.StartAsync();
        var user = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes);

        var created = await (await host.PostAsync("/v1/sessions", user, """{"id":"ses_made","metadata":{"tenant_id":"acme"}}""")).JsonAsync();
        var creator = created.GetProperty("creator_principal");
        Assert.Equal(("acme", "u1", "user"), (creator.GetProperty("tenant_id").GetString(), creator.GetProperty("id").GetString(), creator.GetProperty("type").GetString()));
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions", user, """{"creator_principal":{"tenant_id":"acme","id":"u1","type":"user"}}""")).StatusCode);
        await (await host.PostAsync("/v1/sessions", user, """{"creator_principal":{"tenant_id":"acme","id":"u2","type":"user"}}""")).AssertErrorAsync(403, "forbidden");

        // A service must say whom a session belongs to.
        await (await host.PostAsync("/v1/sessions", host.ServiceToken(), """{"id":"ses_nobody"}""")).AssertErrorAsync(400, "invalid_event");
    }

    [Fact]
    public async Task Listing_IsFencedToThePrincipalsOwnSessions_WithPaging()
    {
        await using var host = await AuthHost.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await host.CreateSessionAsync($"ses_{i}_u1", "acme", "u1");
            await host.CreateSessionAsync($"ses_{i}_u2", "acme", "u2");
            await host.CreateSessionAsync($"ses_{i}_x", "globex", "u1");
        }

        var user = await host.IssueAsync("acme", "u1", "user", ["session:read"]);
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await host.GetAsync($"/v1/sessions?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", user)).JsonAsync();
            ids.AddRange(page.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"ses_{i}_u1"), ids);
        var all = await (await host.GetAsync("/v1/sessions?limit=1000", host.ServiceToken())).JsonAsync();
        Assert.Equal(15, all.GetProperty("sessions").GetArrayLength()); // services see everything
    }

    [Fact]
    public async Task ASessionWithoutACreator_IsOpenOnlyToServices()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "starcite-server-tests", Guid.NewGuid().ToString("N"));
        var before = await ServerHost.StartAsync(dataDirectory); // auth off: no creator needed
        (await before.PostJsonAsync("/v1/sessions", """{"id":"ses_legacy"}""")).EnsureSuccessStatusCode();
        await before.StopAsync();

        try
        {
            await using var host = await AuthHost.StartAsync(new Dictionary<string, string?> { ["Starcite:DataDirectory"] = dataDirectory });
            var user = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes, ["ses_legacy"]);
            await (await host.GetAsync("/v1/sessions/ses_legacy", user)).AssertErrorAsync(403, "forbidden_session");
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/sessions/ses_legacy", host.ServiceToken())).StatusCode);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static string Append(long producerSeq, string? actor = null) =>
        actor is null
            ? $$"""{"type":"content","payload":{"n":{{producerSeq}}},"producer_id":"p1","producer_seq":{{producerSeq}}}"""
            : $$"""{"type":"content","payload":{"n":{{producerSeq}}},"actor":"{{actor}}","producer_id":"p1","producer_seq":{{producerSeq}}}""";

    private static Task<HttpResponseMessage> Tail(AuthHost host, string id, string token) =>
        host.SendAsync(HttpMethod.Get, $"/v1/sessions/{id}/tail?cursor=0", token, tweak: r => r.Headers.Accept.ParseAdd("text/event-stream"));
}
