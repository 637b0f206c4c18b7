using Microsoft.Extensions.Options;

namespace Starcite.Server.Hardening;

/// <summary>
/// Which browser origins may call the server (<see cref="ServerOptions.AllowedOrigins"/>). Origins are compared as
/// <c>scheme://host[:port]</c>, lower case, default ports left out, so <c>https://App.example.com:443</c> and
/// <c>https://app.example.com</c> are the same origin.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _listed;

    public OriginPolicy(IOptions<ServerOptions> options)
    {
        var origins = options.Value.AllowedOrigins;
        AllowsAny = origins.Contains("*");
        _listed = [.. origins.Where(o => o != "*").Select(o => Normalize(o)!).Where(o => o is not null)];
    }

    /// <summary>True with <c>*</c> in the list.</summary>
    public bool AllowsAny { get; }

    /// <summary>True when some cross-origin browser may call (CORS is then served).</summary>
    public bool AllowsCrossOrigin => AllowsAny || _listed.Count > 0;

    public bool IsListed(string origin) => AllowsAny || (Normalize(origin) is { } normalized && _listed.Contains(normalized));

    /// <summary>Whether a WebSocket upgrade may proceed: no <c>Origin</c> (not a browser), the server's own origin, or
    /// a listed one. Several <c>Origin</c> headers are refused: a browser sends exactly one.</summary>
    public bool AllowsWebSocket(HttpRequest request)
    {
        var origins = request.Headers.Origin;
        if (origins.Count == 0)
        {
            return true;
        }

        if (origins.Count > 1 || origins[0] is not { Length: > 0 } origin)
        {
            return false;
        }

        return Normalize(origin) is { } normalized
            && (normalized == Normalize($"{request.Scheme}://{request.Host}") || AllowsAny || _listed.Contains(normalized));
    }

    /// <summary>The entries that are neither <c>*</c> nor an origin (for validation on start).</summary>
    public static IEnumerable<string> Invalid(IEnumerable<string> origins) => origins.Where(o => o != "*" && Normalize(o) is null);

    /// <summary><c>scheme://host[:port]</c> of an http(s) origin, or null when it is not one (a path, a query, user info).</summary>
    public static string? Normalize(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
            || origin.EndsWith('/'))
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }
}
