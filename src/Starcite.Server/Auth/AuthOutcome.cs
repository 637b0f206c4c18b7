using Starcite.Server.Errors;

namespace Starcite.Server.Auth;

/// <summary>
/// The result of authenticating a request: a context, or the refusal to send. A refusal is 401 <c>unauthorized</c>
/// with <c>WWW-Authenticate: Bearer realm="starcite"</c> (plus the RFC 6750 <c>error</c> when a token was sent), or 503
/// <c>unavailable</c> with <c>Retry-After</c> when the signing keys cannot be had.
/// </summary>
internal readonly record struct AuthOutcome(AuthContext? Context, int Status, string? BearerError, string Message, int RetryAfterSeconds)
{
    public const string Realm = "Bearer realm=\"starcite\"";

    public static AuthOutcome Ok(AuthContext context) => new(context, StatusCodes.Status200OK, null, "", 0);

    /// <summary>401 <c>unauthorized</c>.</summary>
    /// <param name="bearerError"><c>invalid_request</c> (malformed), <c>invalid_token</c>, or null (no token sent).</param>
    /// <param name="message">Shown to the client and quoted in the header: a fixed text, never anything from the token.</param>
    public static AuthOutcome Unauthorized(string? bearerError, string message) => new(null, StatusCodes.Status401Unauthorized, bearerError, message, 0);

    public static AuthOutcome Unavailable(string message, int retryAfterSeconds) => new(null, StatusCodes.Status503ServiceUnavailable, null, message, retryAfterSeconds);

    public IResult ToResult() => new Refusal(this);

    private sealed class Refusal(AuthOutcome outcome) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            if (outcome.Status == StatusCodes.Status401Unauthorized)
            {
                headers.WWWAuthenticate = outcome.BearerError is null
                    ? Realm
                    : $"{Realm}, error=\"{outcome.BearerError}\", error_description=\"{outcome.Message}\"";
                return new ApiError(outcome.Status, "unauthorized", outcome.Message).ToResult().ExecuteAsync(httpContext);
            }

            headers.RetryAfter = outcome.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ApiError(outcome.Status, "unavailable", outcome.Message).ToResult().ExecuteAsync(httpContext);
        }
    }
}
