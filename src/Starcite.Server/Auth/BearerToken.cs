using Microsoft.Extensions.Primitives;

namespace Starcite.Server.Auth;

/// <summary>
/// Finds the bearer token of a request: one <c>Authorization: Bearer</c> header, or, on tails only, one
/// <c>access_token</c> query parameter (browsers cannot set headers on a WebSocket). Anything ambiguous is refused
/// rather than guessed at: several headers, a header and a query token, several query tokens, another scheme.
/// </summary>
internal static class BearerToken
{
    /// <summary>Longer tokens are refused before any parsing; real JWTs are far shorter.</summary>
    public const int MaxLength = 8 * 1024;

    public const string QueryParameter = "access_token";

    public static TokenLookup Find(HttpRequest request, bool allowQuery)
    {
        var header = request.Headers.Authorization;
        var query = allowQuery ? request.Query[QueryParameter] : StringValues.Empty;
        if (header.Count > 1)
        {
            return TokenLookup.Malformed("Send exactly one Authorization header");
        }

        if (query.Count > 1)
        {
            return TokenLookup.Malformed($"Send at most one {QueryParameter} parameter");
        }

        if (header.Count == 1 && query.Count == 1)
        {
            return TokenLookup.Malformed($"Send the token either in the Authorization header or as {QueryParameter}, not both");
        }

        if (header.Count == 1)
        {
            var value = new StringSegment(header[0]).Trim();
            const string scheme = "Bearer ";
            if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return TokenLookup.Malformed("The Authorization header must be Bearer <token>");
            }

            return Check(value.Subsegment(scheme.Length).Trim());
        }

        if (query.Count == 1)
        {
            return Check(new StringSegment(query[0]));
        }

        var hint = !allowQuery && request.Query.ContainsKey(QueryParameter)
            ? $"; {QueryParameter} is accepted only on tails, send Authorization: Bearer <token>"
            : "";
        return TokenLookup.Missing($"A bearer token is required{hint}");
    }

    /// <summary>A token is one run of token68 characters (RFC 6750 §2.1): JWTs are base64url parts joined by dots.</summary>
    private static TokenLookup Check(StringSegment token)
    {
        if (token.Length == 0 || token.Length > MaxLength)
        {
            return TokenLookup.Malformed(token.Length == 0 ? "The bearer token is empty" : $"The bearer token is longer than {MaxLength} characters");
        }

        foreach (var c in token.AsSpan())
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/' or '='))
            {
                return TokenLookup.Malformed("The bearer token has characters a token cannot have");
            }
        }

        return TokenLookup.Found(token); // a segment of the header: nothing is copied on the hot path
    }
}

/// <summary>What <see cref="BearerToken.Find"/> found.</summary>
internal readonly record struct TokenLookup(StringSegment Token, bool IsMalformed, string Message)
{
    public bool IsFound => Token.HasValue;

    public static TokenLookup Found(StringSegment token) => new(token, false, "");

    public static TokenLookup Missing(string message) => new(default, false, message);

    public static TokenLookup Malformed(string message) => new(default, true, message);
}
