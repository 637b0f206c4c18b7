using System.Globalization;
using Starcite.Server.Auth;
using Starcite.Server.Endpoints;
using Starcite.Server.Errors;

namespace Starcite.Server.Tailing;

/// <summary>
/// <c>GET /v1/sessions/{id}/tail</c> (contract §4): a WebSocket upgrade, or Server-Sent Events with
/// <c>Accept: text/event-stream</c>. Everything that can be refused is refused with an HTTP error before the stream
/// starts: no upgrade and no SSE accept, a bad cursor or batch size, a cursor beyond <c>last_seq</c>, a missing session.
/// </summary>
internal static class TailEndpoint
{
    public const int MaxBatchSize = 1000;

    public static void MapTailEndpoint(this RouteGroupBuilder sessions) => sessions.MapGet("/{id}/tail", OpenAsync).RequireAccess(Access.TailSession);

    private static async Task<IResult> OpenAsync(string id, HttpContext httpContext, StarciteEngine engine, TailSettings settings, AuthClock clock)
    {
        var request = httpContext.Request;
        var isWebSocket = httpContext.WebSockets.IsWebSocketRequest;
        if (!isWebSocket && !AcceptsEventStream(request))
        {
            return new ApiError(StatusCodes.Status400BadRequest, "invalid_websocket_upgrade",
                "The tail needs a WebSocket upgrade or an Accept: text/event-stream header").ToResult();
        }

        if (!Query.TryCursor(request, out var cursor, out var error))
        {
            return error.ToResult();
        }

        // EventSource resends the last id it saw on reconnect: it wins over the cursor of the original URL.
        if (!isWebSocket && request.Headers["Last-Event-ID"].FirstOrDefault() is { } lastEventId
            && !long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            return new ApiError(StatusCodes.Status400BadRequest, "invalid_cursor", "Last-Event-ID must be an integer >= 0").ToResult();
        }

        int? batchSize = null;
        if (request.Query["batch_size"].FirstOrDefault() is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > MaxBatchSize)
            {
                return new ApiError(StatusCodes.Status400BadRequest, "invalid_limit", $"batch_size must be an integer from 1 to {MaxBatchSize}").ToResult();
            }

            batchSize = size;
        }

        // 404 session_not_found, 400 invalid_cursor beyond last_seq; in a cluster after a read barrier (503 without a quorum)
        var tail = await engine.OpenTailAsync(id, cursor, httpContext.RequestAborted);
        var deadline = TailDeadline.For(httpContext, clock); // the tail ends when its token does
        return isWebSocket ? new WebSocketTail(tail, batchSize, settings, deadline) : new SseTail(tail, settings, deadline);
    }

    private static bool AcceptsEventStream(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
}
