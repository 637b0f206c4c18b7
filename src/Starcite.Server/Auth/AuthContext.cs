using Starcite.Sessions;

namespace Starcite.Server.Auth;

/// <summary>Who sent a request, as its token says: nobody checked (auth off), a service, or a principal.</summary>
/// <remarks>Immutable, so one instance is shared by every request that presents the same token (the validation cache).</remarks>
internal sealed class AuthContext
{
    /// <summary>Auth off: every operation is allowed.</summary>
    public static readonly AuthContext None = new(AuthKind.None, null, AuthScopes.All, null, null);

    public AuthContext(AuthKind kind, Principal? principal, AuthScopes scopes, string[]? sessionIds, DateTimeOffset? acceptedUntil)
    {
        Kind = kind;
        Principal = principal;
        Scopes = scopes;
        SessionIds = sessionIds;
        AcceptedUntil = acceptedUntil;
        Actor = principal is null ? null : ActorOf(principal);
    }

    public AuthKind Kind { get; }

    /// <summary>The principal of a principal token; null otherwise.</summary>
    public Principal? Principal { get; }

    public AuthScopes Scopes { get; }

    /// <summary>The sessions a principal token is bound to (agents: exactly one); null when unbound.</summary>
    public string[]? SessionIds { get; }

    /// <summary>The instant the token stops being accepted (<c>exp</c> plus the leeway); null with auth off.</summary>
    public DateTimeOffset? AcceptedUntil { get; }

    /// <summary>The actor every event of a principal carries: <c>&lt;type&gt;:&lt;id&gt;</c>; null for services.</summary>
    public string? Actor { get; }

    /// <summary>The context the auth filter attached to the request, or <see cref="None"/> with auth off.</summary>
    public static AuthContext Of(HttpContext httpContext) => httpContext.Features.Get<AuthContext>() ?? None;

    public static string ActorOf(Principal principal) => $"{TypeName(principal.Type)}:{principal.Id}";

    public static string TypeName(PrincipalType type) => type == PrincipalType.Agent ? "agent" : "user";

    public bool IsBoundTo(string sessionId) => SessionIds is { } ids && Array.IndexOf(ids, sessionId) >= 0;
}

/// <summary>The kinds of caller.</summary>
internal enum AuthKind
{
    None,
    Service,
    Principal,
}
