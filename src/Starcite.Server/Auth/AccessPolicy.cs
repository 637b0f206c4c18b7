using System.Text.Json;
using Starcite.Server.Errors;
using Starcite.Sessions;

namespace Starcite.Server.Auth;

/// <summary>
/// The policy matrix (contract §7, after the original Starcite's): services and auth-off requests may do everything
/// except issue tokens without auth; principals need the operation's scope, stay inside their tenant, and reach only
/// the sessions they created (users) or are bound to (users and agents; an agent is bound to exactly one).
/// </summary>
internal static class AccessPolicy
{
    /// <summary>The checks that need no request body; null when allowed.</summary>
    public static async ValueTask<ApiError?> CheckAsync(AuthContext auth, Access access, HttpContext httpContext, StarciteEngine engine)
    {
        if (auth.Kind == AuthKind.Service)
        {
            return null;
        }

        if (auth.Kind != AuthKind.Principal)
        {
            return access == Access.IssueToken ? Forbidden("forbidden", "Issuing tokens needs a service token") : null;
        }

        var principal = auth.Principal!;
        switch (access)
        {
            case Access.IssueToken:
                return Forbidden("forbidden", "Only service tokens may issue tokens");
            case Access.CreateSession or Access.ListSessions when principal.Type == PrincipalType.Agent:
                return Forbidden("forbidden", access == Access.CreateSession
                    ? "Agent tokens cannot create sessions: they are bound to one existing session"
                    : "Agent tokens cannot list sessions: they are bound to one session");
            case Access.CreateSession:
                return Scope(auth, AuthScopes.SessionCreate);
            case Access.ListSessions:
                return Scope(auth, AuthScopes.SessionRead);
        }

        var id = httpContext.Request.RouteValues["id"] as string ?? "";
        var error = Scope(auth, access == Access.AppendToSession ? AuthScopes.SessionAppend : AuthScopes.SessionRead);
        if (error is not null)
        {
            return error;
        }

        // An agent's binding is checked before the lookup, so it learns nothing about sessions it is not bound to.
        if (principal.Type == PrincipalType.Agent && !auth.IsBoundTo(id))
        {
            return Forbidden("forbidden_session", $"This token is bound to another session than {id}");
        }

        // Answered here rather than by the endpoint: a session created between this check and the operation must not
        // slip past the tenant fence. Sessions are never deleted and their creator never changes, so once the session
        // is seen, the decision holds.
        if (await engine.GetSessionAsync(id, httpContext.RequestAborted) is not { } session)
        {
            return new ApiError(StatusCodes.Status404NotFound, "session_not_found", $"Session {id} was not found");
        }

        return SessionError(auth, session);
    }

    /// <summary>Tenant and ownership checks of a principal on an existing session; null when allowed.</summary>
    public static ApiError? SessionError(AuthContext auth, SessionInfo session)
    {
        if (auth.Kind != AuthKind.Principal)
        {
            return null;
        }

        var principal = auth.Principal!;
        if (session.CreatorPrincipal is not { } creator)
        {
            return Forbidden("forbidden_session", $"Session {session.Id} has no creator principal: only service tokens may use it");
        }

        if (creator.TenantId != principal.TenantId)
        {
            return Forbidden("forbidden_tenant", $"Session {session.Id} belongs to another tenant");
        }

        var allowed = principal.Type == PrincipalType.Agent
            ? auth.IsBoundTo(session.Id)
            : creator == principal || auth.IsBoundTo(session.Id);
        return allowed ? null : Forbidden("forbidden_session", $"This token does not give access to session {session.Id}");
    }

    /// <summary>
    /// The body rules of create: with a service token <c>creator_principal</c> is required; a principal is the creator
    /// (it may repeat itself in <c>creator_principal</c>, never name another) and keeps <c>metadata.tenant_id</c>, when
    /// given, to its own tenant. Returns the request to create, or the error.
    /// </summary>
    public static (CreateSessionRequest? Request, ApiError? Error) ForCreate(AuthContext auth, CreateSessionRequest request, JsonElement body)
    {
        switch (auth.Kind)
        {
            case AuthKind.Service when request.CreatorPrincipal is null:
                return (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_event",
                    "creator_principal is required with a service token: it decides which principals may use the session"));
            case AuthKind.Principal:
                var principal = auth.Principal!;
                if (request.CreatorPrincipal is { } named && named != principal)
                {
                    return (null, named.TenantId != principal.TenantId
                        ? Forbidden("forbidden_tenant", "creator_principal names another tenant than the token's")
                        : Forbidden("forbidden", "creator_principal must be the token's own principal (or be left out)"));
                }

                if (MetadataTenant(body) is { } tenant && tenant != principal.TenantId)
                {
                    return (null, Forbidden("forbidden_tenant", "metadata.tenant_id names another tenant than the token's"));
                }

                return (new CreateSessionRequest { Id = request.Id, Title = request.Title, Metadata = request.Metadata, CreatorPrincipal = principal }, null);
            default:
                return (request, null);
        }
    }

    /// <summary>The actor rule of append (null when allowed): a principal's events carry its own actor.</summary>
    public static ApiError? ActorError(AuthContext auth, string actor) =>
        auth.Actor is { } own && actor != own
            ? Forbidden("forbidden", $"actor must be {own} (the token's principal) or be left out")
            : null;

    private static string? MetadataTenant(JsonElement body) =>
        body.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("tenant_id", out var tenant)
            ? TextOf(tenant)
            : null;

    /// <summary>A string's value, or the raw JSON of anything else (which never equals a tenant id).</summary>
    private static string TextOf(JsonElement element)
    {
        try
        {
            return element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        }
        catch (InvalidOperationException)
        {
            return element.GetRawText(); // escapes an unpaired surrogate: the engine refuses the metadata anyway
        }
    }

    private static ApiError? Scope(AuthContext auth, AuthScopes needed) =>
        auth.Scopes.HasFlag(needed) ? null : Forbidden("forbidden_scope", $"This token lacks the scope {ScopeNames.NameOf(needed)}");

    private static ApiError Forbidden(string code, string message) => new(StatusCodes.Status403Forbidden, code, message);
}
