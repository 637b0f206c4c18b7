using Starcite.Server.Errors;

namespace Starcite.Server.Hardening;

/// <summary>
/// Refuses a WebSocket upgrade from a browser origin that is not allowed with 403 <c>forbidden</c>, before anything
/// else looks at the request: a page on another site must not open a tail with a token it got hold of.
/// </summary>
internal static class WebSocketOriginCheck
{
    public static void UseWebSocketOriginCheck(this WebApplication app)
    {
        var origins = app.Services.GetRequiredService<OriginPolicy>();
        app.Use((context, next) =>
        {
            if (context.Request.Headers.Origin.Count == 0 || !context.WebSockets.IsWebSocketRequest || origins.AllowsWebSocket(context.Request))
            {
                return next(context);
            }

            return new ApiError(StatusCodes.Status403Forbidden, "forbidden", "This origin may not open WebSocket tails (see Starcite:Server:AllowedOrigins)")
                .ToResult().ExecuteAsync(context);
        });
    }
}
