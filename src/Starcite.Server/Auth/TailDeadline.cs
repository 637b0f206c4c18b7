namespace Starcite.Server.Auth;

/// <summary>
/// When a tail must end because its token does: the instant the token stops being accepted (<c>exp</c> plus the
/// leeway), on the auth clock. A WebSocket then closes with 4001 <c>token_expired</c>; an SSE stream ends.
/// </summary>
internal sealed class TailDeadline(DateTimeOffset at, TimeProvider time)
{
    /// <summary>The longest timer a <see cref="CancellationTokenSource"/> takes is about 49 days; a tail whose token
    /// lives longer closes after this, earlier than needed, and the client reconnects with its cursor.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromDays(24);

    public const int CloseStatus = 4001;
    public const string CloseReason = "token_expired";

    /// <summary>The deadline of the request's token; null with auth off.</summary>
    public static TailDeadline? For(HttpContext httpContext, AuthClock clock) =>
        AuthContext.Of(httpContext).AcceptedUntil is { } at ? new TailDeadline(at, clock.Time) : null;

    /// <summary>A token source that is cancelled at the deadline; dispose it with the tail.</summary>
    public CancellationTokenSource Start()
    {
        var delay = at - time.GetUtcNow();
        return new CancellationTokenSource(delay < TimeSpan.Zero ? TimeSpan.Zero : delay > Longest ? Longest : delay, time);
    }
}
