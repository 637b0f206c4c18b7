using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Starcite.Benchmarks.Peers.Starcite;

/// <summary>
/// <c>GET /v1/sessions/{id}/tail?cursor=N&amp;batch_size=1000</c> over a WebSocket (contract §4): history, then live,
/// on one connection per subscriber. With a batch size each frame is an array of the events that were ready, so a
/// catch-up moves up to 1,000 per frame (as the peers' pages do) while a live event still goes out at once, alone.
/// </summary>
internal sealed class StarciteWebSocketTail : IPeerSubscription
{
    private const int BatchSize = 1000;
    private readonly ClientWebSocket _socket;

    private StarciteWebSocketTail(ClientWebSocket socket) => _socket = socket;

    public static async Task<IPeerSubscription> OpenAsync(Uri address, string sessionId, long cursor, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(address) { Scheme = "ws", Path = $"/v1/sessions/{Uri.EscapeDataString(sessionId)}/tail", Query = $"cursor={cursor}&batch_size={BatchSize}" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new StarciteWebSocketTail(socket);
    }

    public async IAsyncEnumerable<PeerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            ValueWebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException) when (_socket.State != WebSocketState.Open)
            {
                yield break;
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                yield break;
            }

            frame.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            using var document = JsonDocument.Parse(frame.GetBuffer().AsMemory(0, (int)frame.Length));
            frame.SetLength(0);
            foreach (var e in document.RootElement.EnumerateArray())
            {
                yield return StarciteHttpClient.ParseEvent(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server may have gone first; the socket is disposed either way.
            }
        }

        _socket.Dispose();
    }
}
