using System.Text.Json;
using Starcite.Server.Contracts;
using Starcite.Server.Errors;
using Starcite.Sessions;

namespace Starcite.Server.Auth;

/// <summary>
/// The body of <c>POST /v1/auth/issue</c>: <c>{"principal": {tenant_id, id, type}, "scopes": [...], "session_ids":
/// [...], "ttl_seconds": n}</c>. Strict: every rule broken is 400 <c>invalid_issue_request</c> naming the field.
/// </summary>
internal sealed record IssueRequest(Principal Principal, AuthScopes Scopes, string[]? SessionIds, int TtlSeconds)
{
    /// <summary>The most sessions one token may be bound to; a token travels in every request.</summary>
    public const int MaxSessionIds = 100;

    /// <summary>The longest tenant or principal id, as the engine's rule for <c>creator_principal</c>.</summary>
    public const int MaxPrincipalTextLength = 256;

    private const int MaxSessionIdLength = 128;

    public static (IssueRequest? Request, ApiError? Error) Parse(JsonElement body, AuthOptions options)
    {
        if (!body.TryGetProperty("principal", out var p) || p.ValueKind != JsonValueKind.Object
            || !JsonFields.TryString(p, "tenant_id", out var tenant, out _) || !IsPrincipalText(tenant)
            || !JsonFields.TryString(p, "id", out var id, out _) || !IsPrincipalText(id)
            || !JsonFields.TryString(p, "type", out var type, out _) || type is not ("user" or "agent"))
        {
            return Invalid($"principal must be an object {{tenant_id, id, type: user|agent}} with ids of 1-{MaxPrincipalTextLength} characters");
        }

        if (!body.TryGetProperty("scopes", out var scopesJson) || scopesJson.ValueKind != JsonValueKind.Array || scopesJson.GetArrayLength() == 0)
        {
            return Invalid($"scopes must be a non-empty array of {ScopeNames.Create}, {ScopeNames.Read}, {ScopeNames.Append}");
        }

        var scopes = AuthScopes.None;
        foreach (var s in scopesJson.EnumerateArray())
        {
            if (!TryText(s, out var name) || !ScopeNames.TryParse(name, out var scope))
            {
                return Invalid($"scopes may hold only {ScopeNames.Create}, {ScopeNames.Read} and {ScopeNames.Append}");
            }

            scopes |= scope;
        }

        string[]? sessionIds = null;
        if (body.TryGetProperty("session_ids", out var idsJson) && idsJson.ValueKind != JsonValueKind.Null)
        {
            if (idsJson.ValueKind != JsonValueKind.Array || idsJson.GetArrayLength() is 0 or > MaxSessionIds
                || idsJson.EnumerateArray().Any(e => !TryText(e, out var sessionId) || !IsSessionId(sessionId)))
            {
                return Invalid($"session_ids must be null or an array of 1-{MaxSessionIds} valid session ids");
            }

            sessionIds = [.. idsJson.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.Ordinal)];
        }

        var principalType = type == "agent" ? PrincipalType.Agent : PrincipalType.User;
        if (principalType == PrincipalType.Agent && sessionIds is not { Length: 1 })
        {
            return Invalid("An agent token must be bound to exactly one session: session_ids must hold one id");
        }

        if (!JsonFields.TryInteger(body, "ttl_seconds", 1, out var ttl, out _) || ttl > options.PrincipalTokenMaxTtlSeconds)
        {
            return Invalid($"ttl_seconds must be an integer from 1 to {options.PrincipalTokenMaxTtlSeconds}");
        }

        return (new IssueRequest(new Principal(tenant!, id!, principalType), scopes, sessionIds, (int)(ttl ?? options.PrincipalTokenDefaultTtlSeconds)), null);
    }

    /// <summary>A tenant or principal id: 1-256 characters, no control characters (they would corrupt the actor).</summary>
    public static bool IsPrincipalText(string? text) =>
        text is { Length: > 0 and <= MaxPrincipalTextLength } && !text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !text.Contains('\u007f', StringComparison.Ordinal);

    /// <summary>The contract's session id rule: 1-128 of <c>A-Z a-z 0-9 . _ : -</c>, starting with a letter or digit.</summary>
    public static bool IsSessionId(string? id)
    {
        if (id is not { Length: > 0 and <= MaxSessionIdLength } || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A JSON string's value; false for other kinds and for strings escaping an unpaired surrogate.</summary>
    private static bool TryText(JsonElement element, out string? text)
    {
        text = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            text = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static (IssueRequest?, ApiError?) Invalid(string message) =>
        (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_issue_request", message));
}
