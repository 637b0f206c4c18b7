using System.Net;
using System.Text.Json;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Tailing;

/// <summary>What the tail endpoint refuses before a stream starts, as HTTP errors with the contract's body (§4, §6).</summary>
[Trait("Category", "Integration")]
public sealed class TailRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tail_PlainGetWithoutUpgradeOrEventStream_Returns400InvalidWebsocketUpgrade()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(1);

        await (await server.GetAsync($"/v1/sessions/{id}/tail?cursor=0")).AssertErrorAsync(400, "invalid_websocket_upgrade");
    }

    [Theory]
    [InlineData("cursor=-1", 400, "invalid_cursor")]
    [InlineData("cursor=abc", 400, "invalid_cursor")]
    [InlineData("cursor=1.5", 400, "invalid_cursor")]
    [InlineData("cursor=4", 400, "invalid_cursor")]
    [InlineData("cursor=0&batch_size=0", 400, "invalid_limit")]
    [InlineData("cursor=0&batch_size=1001", 400, "invalid_limit")]
    [InlineData("cursor=0&batch_size=x", 400, "invalid_limit")]
    public async Task WebSocketUpgrade_BadQuery_IsRefusedWithTheContractError(string query, int status, string code)
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(3);

        using var socket = await RawWebSocket.ConnectAsync(server.BaseAddress, $"/v1/sessions/{id}/tail?{query}", Ct);

        Assert.Equal(status, socket.Status);
        Assert.Equal(code, JsonDocument.Parse(socket.Body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task WebSocketUpgrade_CursorBeyondLastSeq_NamesLastSeq()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(3);

        using var socket = await RawWebSocket.ConnectAsync(server.BaseAddress, $"/v1/sessions/{id}/tail?cursor=9", Ct);

        Assert.Equal(400, socket.Status);
        Assert.Contains("last_seq 3", JsonDocument.Parse(socket.Body).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocketUpgrade_MissingSession_Returns404SessionNotFound()
    {
        await using var server = await ServerHost.StartAsync();

        using var socket = await RawWebSocket.ConnectAsync(server.BaseAddress, "/v1/sessions/ses_none/tail?cursor=0", Ct);

        Assert.Equal(404, socket.Status);
        Assert.Equal("session_not_found", JsonDocument.Parse(socket.Body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task EventStream_MissingSessionAndBadLastEventId_AreRefused()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(2);

        await (await SseClient.GetAsync(server, "/v1/sessions/ses_none/tail", null)).AssertErrorAsync(404, "session_not_found");
        await (await SseClient.GetAsync(server, $"/v1/sessions/{id}/tail", "x")).AssertErrorAsync(400, "invalid_cursor");
        await (await SseClient.GetAsync(server, $"/v1/sessions/{id}/tail", "3")).AssertErrorAsync(400, "invalid_cursor");
    }

    [Fact]
    public async Task WebSocketTail_IdleConnection_IsPingedAtTheConfiguredInterval()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Server:WebSocketPingInterval"] = "00:00:00.200" });
        var id = await server.CreateWithEventsAsync(0);

        using var socket = await RawWebSocket.ConnectAsync(server.BaseAddress, $"/v1/sessions/{id}/tail?cursor=0", Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));

        Assert.Equal(101, socket.Status);
        await socket.ReadUntilFrameAsync(0x9, timeout.Token); // a ping frame
    }

    [Fact]
    public async Task Tail_WrongMethod_IsNotAServerError()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(1);

        var response = await server.PostJsonAsync($"/v1/sessions/{id}/tail", "{}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
