using Starcite.Server.Auth;
using Starcite.Server.Diagnostics;
using Starcite.Tailing;

namespace Starcite.Server.Tailing;

/// <summary>
/// Serves one tail as Server-Sent Events (contract §4): <c>id: seq</c>, <c>event: event</c>, <c>data: event JSON</c>,
/// replay then live, with a comment line whenever the stream has been idle for the keep-alive interval.
/// </summary>
/// <remarks>Like the WebSocket tail, it pulls the next events only once the previous ones were written, so a slow
/// client holds back only itself. At shutdown it sends what it fetched and ends the response; an EventSource then
/// reconnects with <c>Last-Event-ID</c>. When the token that opened the stream expires, an <c>event: token_expired</c>
/// message ends it (a reconnect with the same token then gets 401).</remarks>
internal sealed class SseTail(SessionTail tail, TailSettings settings, TailDeadline? deadline = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var owned = tail;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: do not buffer the stream
        using var expired = deadline?.Start();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, settings.Stopping, expired?.Token ?? default);
        using var frames = new TailFrames();
        try
        {
            await response.StartAsync(ended.Token);
            await response.Body.FlushAsync(ended.Token);
            await StreamAsync(response, frames, ended.Token);
        }
        catch (OperationCanceledException) when (settings.Stopping.IsCancellationRequested && !httpContext.RequestAborted.IsCancellationRequested)
        {
            await WriteFetchedAsync(response, frames, httpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (expired?.IsCancellationRequested == true && !httpContext.RequestAborted.IsCancellationRequested)
        {
            AuthLog.TailTokenExpired(settings.Logger, "sse", tail.SessionId, tail.Cursor);
            frames.Clear();
            frames.WriteSseTokenExpired();
            await WriteAsync(response, frames, httpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            ServerLog.TailClientGone(settings.Logger, "sse", tail.SessionId, tail.Cursor);
        }
        catch (StarciteException ex)
        {
            ServerLog.TailFailed(settings.Logger, "sse", tail.SessionId, tail.Cursor, ex);
            httpContext.Abort(); // an SSE stream has no error frame: a cut connection makes the client resume
        }
    }

    private async Task StreamAsync(HttpResponse response, TailFrames frames, CancellationToken cancellationToken)
    {
        var interval = settings.Options.SseKeepAliveInterval;
        var ready = tail.WaitToReadAsync(cancellationToken).AsTask();
        while (true)
        {
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var timeout = Task.Delay(interval, settings.Time, idle.Token);
                if (await Task.WhenAny(ready, timeout) != ready)
                {
                    frames.Clear();
                    frames.WriteSseKeepAlive();
                    await WriteAsync(response, frames, cancellationToken);
                    continue;
                }

                await idle.CancelAsync(); // stop the idle timer
            }

            if (!await ready)
            {
                return; // the engine closed
            }

            await WriteFetchedAsync(response, frames, cancellationToken);
            ready = tail.WaitToReadAsync(cancellationToken).AsTask();
        }
    }

    /// <summary>Writes every event the tail has without waiting, then flushes once.</summary>
    private async Task WriteFetchedAsync(HttpResponse response, TailFrames frames, CancellationToken cancellationToken)
    {
        frames.Clear();
        while (tail.TryRead(out var e))
        {
            frames.WriteSseEvent(e);
            if (frames.Written.Length >= 64 * 1024)
            {
                await WriteAsync(response, frames, cancellationToken);
                frames.Clear();
            }
        }

        if (!frames.IsEmpty)
        {
            await WriteAsync(response, frames, cancellationToken);
        }
    }

    private static async Task WriteAsync(HttpResponse response, TailFrames frames, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(frames.Written, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
