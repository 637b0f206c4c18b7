using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>A real <see cref="ClientWebSocket"/> on a server's tail endpoint, reading frames as events.</summary>
public sealed class WebSocketTailClient : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    private WebSocketTailClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <summary>The close status the server sent, once a receive saw it.</summary>
    public WebSocketCloseStatus? CloseStatus => Socket.CloseStatus;

    public static async Task<WebSocketTailClient> ConnectAsync(Uri server, string sessionId, string query = "cursor=0", CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(server) { Scheme = "ws", Path = $"/v1/sessions/{sessionId}/tail", Query = query }.Uri;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new WebSocketTailClient(socket);
    }

    /// <summary>The next whole text frame as JSON, or null when the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(Encoding.UTF8.GetString(_buffer, 0, length)).RootElement.Clone();
            }
        }
    }

    /// <summary>Receives single-event frames until <paramref name="count"/> events arrived; fails on an early close.</summary>
    public async Task<List<JsonElement>> ReceiveEventsAsync(int count, CancellationToken cancellationToken)
    {
        var events = new List<JsonElement>(count);
        while (events.Count < count)
        {
            var frame = await ReceiveFrameAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The server closed the tail after {events.Count} of {count} events ({CloseStatus}).");
            if (frame.ValueKind == JsonValueKind.Array)
            {
                events.AddRange(frame.EnumerateArray());
            }
            else
            {
                events.Add(frame);
            }
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        Socket.Dispose();
    }
}

public static class EventJson
{
    public static long Seq(this JsonElement e) => e.GetProperty("seq").GetInt64();

    /// <summary>Asserts the events are exactly <paramref name="first"/>, first + 1, ... in order.</summary>
    public static void AssertConsecutiveFrom(this IReadOnlyList<JsonElement> events, long first)
    {
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(first + i, events[i].Seq());
        }
    }
}
