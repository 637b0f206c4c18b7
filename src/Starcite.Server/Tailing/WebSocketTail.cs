using System.Net.WebSockets;
using Starcite.Server.Auth;
using Starcite.Server.Diagnostics;
using Starcite.Sessions;
using Starcite.Tailing;

namespace Starcite.Server.Tailing;

/// <summary>
/// Serves one tail over a WebSocket (contract §4): replay from the cursor, then live, one event per text frame (or
/// arrays of up to <c>batch_size</c>). Inbound data frames are ignored.
/// </summary>
/// <remarks>
/// The connection's buffer is the one frame in flight: the tail pulls the next events only once the socket took the
/// previous frame, so a client that stops reading holds back only itself. When it resumes, the tail reads from
/// storage whatever the in-memory window no longer holds, from its last delivered seq: no writer ever waits for it.
/// At shutdown the events already fetched are sent, then the socket closes with 1001. When the token that opened the
/// tail expires, the socket closes with 4001 <c>token_expired</c>.
/// </remarks>
internal sealed class WebSocketTail(SessionTail tail, int? batchSize, TailSettings settings, TailDeadline? deadline = null) : IResult
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private SessionEvent[]? _batch;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var owned = tail;
        using var socket = await httpContext.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = settings.Options.WebSocketPingInterval,
            KeepAliveTimeout = settings.Options.WebSocketPongTimeout,
        });
        using var clientClosed = new CancellationTokenSource();
        using var expired = deadline?.Start();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, settings.Stopping, clientClosed.Token, expired?.Token ?? default);
        var inbound = ReceiveUntilCloseAsync(socket, clientClosed);
        using var frames = new TailFrames();
        try
        {
            await SendUntilEndedAsync(socket, frames, ended.Token, httpContext.RequestAborted);
            // The engine closed (shutdown): everything fetched was sent.
            await CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, "server shutting down", inbound);
        }
        catch (OperationCanceledException) when (settings.Stopping.IsCancellationRequested && !httpContext.RequestAborted.IsCancellationRequested)
        {
            await FlushFetchedAsync(socket, frames, httpContext.RequestAborted);
            await CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, "server shutting down", inbound);
        }
        catch (OperationCanceledException) when (expired?.IsCancellationRequested == true && !clientClosed.IsCancellationRequested && !httpContext.RequestAborted.IsCancellationRequested)
        {
            AuthLog.TailTokenExpired(settings.Logger, "websocket", tail.SessionId, tail.Cursor);
            await CloseAsync(socket, (WebSocketCloseStatus)TailDeadline.CloseStatus, TailDeadline.CloseReason, inbound);
        }
        catch (OperationCanceledException) when (clientClosed.IsCancellationRequested)
        {
            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "", inbound);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            ServerLog.TailClientGone(settings.Logger, "websocket", tail.SessionId, tail.Cursor); // the client vanished
        }
        catch (StarciteException ex)
        {
            ServerLog.TailFailed(settings.Logger, "websocket", tail.SessionId, tail.Cursor, ex);
            await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, "internal error", inbound);
        }
    }

    /// <summary>
    /// Sends events until <paramref name="ended"/>, which only interrupts the wait for more: a send it cancelled would
    /// abort the socket (a WebSocket cannot resume a half-sent frame), and then no close frame could follow. A send ends
    /// early only when the connection does.
    /// </summary>
    private async Task SendUntilEndedAsync(WebSocket socket, TailFrames frames, CancellationToken ended, CancellationToken connectionGone)
    {
        while (await tail.WaitToReadAsync(ended))
        {
            await SendReadyAsync(socket, frames, connectionGone);
        }
    }

    /// <summary>Sends every event the tail has without waiting: one frame each, or arrays of up to the batch size.</summary>
    private async ValueTask SendReadyAsync(WebSocket socket, TailFrames frames, CancellationToken cancellationToken)
    {
        if (batchSize is not { } limit)
        {
            while (tail.TryRead(out var e))
            {
                frames.Clear();
                frames.WriteEvent(e);
                await socket.SendAsync(frames.Written, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }

            return;
        }

        var batch = _batch ??= new SessionEvent[limit];
        while (true)
        {
            var count = 0;
            while (count < limit && tail.TryRead(out var e))
            {
                batch[count++] = e;
            }

            if (count == 0)
            {
                return;
            }

            frames.Clear();
            frames.WriteArray(batch.AsSpan(0, count));
            await socket.SendAsync(frames.Written, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }

    private async Task FlushFetchedAsync(WebSocket socket, TailFrames frames, CancellationToken cancellationToken)
    {
        try
        {
            await SendReadyAsync(socket, frames, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
        }
    }

    /// <summary>Reads (and drops) inbound frames, so pongs and a client's close are processed; signals the close.</summary>
    private static async Task ReceiveUntilCloseAsync(WebSocket socket, CancellationTokenSource clientClosed)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
        }

        await clientClosed.CancelAsync();
    }

    /// <summary>Sends a close frame and waits (briefly) for the client's, which the receive loop reads.</summary>
    private async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason, Task inbound)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, settings.Time);
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }

            await inbound.WaitAsync(CloseHandshakeTimeout, settings.Time);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or TimeoutException)
        {
            socket.Abort();
        }
    }
}
