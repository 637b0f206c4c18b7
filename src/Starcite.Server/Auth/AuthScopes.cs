namespace Starcite.Server.Auth;

/// <summary>What a principal token allows (contract §7). Services and auth-off requests hold all of them.</summary>
[Flags]
internal enum AuthScopes
{
    None = 0,
    SessionCreate = 1,
    SessionRead = 2,
    SessionAppend = 4,
    All = SessionCreate | SessionRead | SessionAppend,
}

/// <summary>The scopes' wire names.</summary>
internal static class ScopeNames
{
    public const string Create = "session:create";
    public const string Read = "session:read";
    public const string Append = "session:append";

    public static bool TryParse(string? name, out AuthScopes scope)
    {
        scope = name switch
        {
            Create => AuthScopes.SessionCreate,
            Read => AuthScopes.SessionRead,
            Append => AuthScopes.SessionAppend,
            _ => AuthScopes.None,
        };
        return scope != AuthScopes.None;
    }

    public static string NameOf(AuthScopes scope) => scope switch
    {
        AuthScopes.SessionCreate => Create,
        AuthScopes.SessionRead => Read,
        AuthScopes.SessionAppend => Append,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Not a single scope."),
    };

    /// <summary>The names of the scopes in <paramref name="scopes"/>, in a fixed order.</summary>
    public static string[] NamesOf(AuthScopes scopes) =>
        [.. new[] { AuthScopes.SessionCreate, AuthScopes.SessionRead, AuthScopes.SessionAppend }.Where(s => scopes.HasFlag(s)).Select(NameOf)];
}
