using System.Net;
using System.Net.WebSockets;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Auth;

/// <summary>Tails in jwt mode: the token in the Authorization header or as access_token, and the end of a tail when its
/// token expires (WebSocket close 4001 token_expired; SSE ends with a token_expired message).</summary>
[Trait("Category", "Integration")]
public sealed class TailAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tails_TakeTheTokenInTheHeaderOrAsAccessToken_ButNotBoth()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_t", "acme", "u1");
        await Append(host, "ses_t", 2);
        var token = await host.IssueAsync("acme", "u1", "user", ["session:read"]);

        await using (var byQuery = await WebSocketTailClient.ConnectAsync(host.Server.BaseAddress, "ses_t", $"cursor=0&access_token={token}", Ct))
        {
            (await byQuery.ReceiveEventsAsync(2, Ct)).AssertConsecutiveFrom(1);
        }

        using (var socket = new ClientWebSocket())
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            await socket.ConnectAsync(new Uri($"ws://{host.Server.BaseAddress.Authority}/v1/sessions/ses_t/tail?cursor=1"), Ct);
            var buffer = new byte[4096];
            var frame = await socket.ReceiveAsync(buffer, Ct);
            Assert.Contains("\"seq\":2", System.Text.Encoding.UTF8.GetString(buffer, 0, frame.Count), StringComparison.Ordinal);
        }

        using (var sse = await SseClient.OpenAsync(host.Server, $"/v1/sessions/ses_t/tail?cursor=0&access_token={token}"))
        {
            Assert.Equal(["1", "2"], (await sse.ReadEventsAsync(2, Ct)).Select(m => m.Id));
        }

        using (var sse = await SseClient.FromResponseAsync(await Sse(host, "/v1/sessions/ses_t/tail?cursor=0", token)))
        {
            Assert.Equal(["1", "2"], (await sse.ReadEventsAsync(2, Ct)).Select(m => m.Id));
        }

        await (await Sse(host, $"/v1/sessions/ses_t/tail?cursor=0&access_token={token}", token)).AssertErrorAsync(401, "unauthorized");
        await (await Sse(host, $"/v1/sessions/ses_t/tail?cursor=0&access_token={token}&access_token={token}", null)).AssertErrorAsync(401, "unauthorized");
        var message = await (await host.GetAsync($"/v1/sessions/ses_t/events?access_token={token}", null)).AssertErrorAsync(401, "unauthorized");
        Assert.Contains("only on tails", message, StringComparison.Ordinal); // a query token is for browsers' tails only
    }

    [Fact]
    public async Task AWebSocketTail_ClosesWith4001TokenExpired_WhenItsTokenExpires()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_t", "acme", "u1");
        await Append(host, "ses_t", 1);
        var token = await host.IssueAsync("acme", "u1", "user", ["session:read"], ttlSeconds: 60);
        await using var tail = await WebSocketTailClient.ConnectAsync(host.Server.BaseAddress, "ses_t", $"cursor=0&access_token={token}", Ct);
        await tail.ReceiveEventsAsync(1, Ct);

        host.FakeClock!.Advance(TimeSpan.FromSeconds(59));
        await Append(host, "ses_t", 1, from: 2);
        await tail.ReceiveEventsAsync(1, Ct); // still live just before the expiry

        host.FakeClock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await tail.ReceiveFrameAsync(Ct));
        Assert.Equal(4001, (int)tail.CloseStatus!);
        Assert.Equal("token_expired", tail.Socket.CloseStatusDescription);
        await (await host.GetAsync("/v1/sessions/ses_t", token)).AssertErrorAsync(401, "unauthorized"); // nor may it reconnect
    }

    [Fact]
    public async Task AnSseTail_EndsWithATokenExpiredMessage_WhenItsTokenExpires()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_t", "acme", "u1");
        await Append(host, "ses_t", 1);
        var token = host.ServiceToken(lifetime: TimeSpan.FromSeconds(30));
        using var sse = await SseClient.OpenAsync(host.Server, $"/v1/sessions/ses_t/tail?cursor=0&access_token={token}");
        await sse.ReadEventsAsync(1, Ct);

        host.FakeClock!.Advance(TimeSpan.FromSeconds(31));
        var last = await sse.ReadEventsAsync(1, Ct);
        Assert.Equal("token_expired", last[0].Event);
        Assert.Equal("token_expired", last[0].Json.GetProperty("error").GetString());
        Assert.Null(await sse.ReadAsync(Ct)); // the stream ended
    }

    [Fact]
    public async Task OnTheRealClock_AShortLivedTokensTail_ClosesWith4001()
    {
        await using var host = await AuthHost.StartAsync(realClock: true);
        await host.CreateSessionAsync("ses_t", "acme", "u1");
        var token = await host.IssueAsync("acme", "u1", "user", ["session:read"], ttlSeconds: 2);
        await using var tail = await WebSocketTailClient.ConnectAsync(host.Server.BaseAddress, "ses_t", $"cursor=0&access_token={token}", Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30)); // the close comes within ~2 s; this only bounds a broken run

        Assert.Null(await tail.ReceiveFrameAsync(deadline.Token));
        Assert.Equal(4001, (int)tail.CloseStatus!);
        Assert.Equal("token_expired", tail.Socket.CloseStatusDescription);
    }

    private static async Task Append(AuthHost host, string id, int count, long from = 1)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await host.PostAsync($"/v1/sessions/{id}/append", host.ServiceToken(), Appends.Body("p1", from + i));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    private static Task<HttpResponseMessage> Sse(AuthHost host, string path, string? token) =>
        host.SendAsync(HttpMethod.Get, path, token, tweak: r => r.Headers.Accept.ParseAdd("text/event-stream"));
}
