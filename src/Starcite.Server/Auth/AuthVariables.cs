namespace Starcite.Server.Auth;

/// <summary>The original Starcite's environment variables, mapped onto <c>Starcite:Auth:*</c>. They win over
/// appsettings.json, like <c>STARCITE_DATA_DIR</c>.</summary>
internal static class AuthVariables
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("STARCITE_AUTH_MODE", nameof(AuthOptions.Mode)),
        ("STARCITE_AUTH_JWKS_URL", nameof(AuthOptions.JwksUrl)),
        ("STARCITE_AUTH_JWT_ISSUER", nameof(AuthOptions.JwtIssuer)),
        ("STARCITE_AUTH_JWT_AUDIENCE", nameof(AuthOptions.JwtAudience)),
        ("STARCITE_AUTH_JWT_LEEWAY_SECONDS", nameof(AuthOptions.JwtLeewaySeconds)),
        ("STARCITE_AUTH_PRINCIPAL_TOKEN_SECRET", nameof(AuthOptions.PrincipalTokenSecret)),
        ("STARCITE_AUTH_PRINCIPAL_TOKEN_DEFAULT_TTL_SECONDS", nameof(AuthOptions.PrincipalTokenDefaultTtlSeconds)),
        ("STARCITE_AUTH_PRINCIPAL_TOKEN_MAX_TTL_SECONDS", nameof(AuthOptions.PrincipalTokenMaxTtlSeconds)),
    ];

    /// <summary>Adds the variables that are set to <paramref name="overrides"/>.</summary>
    public static void AddTo(IDictionary<string, string?> overrides, Func<string, string?> environment)
    {
        foreach (var (variable, key) in Map)
        {
            if (environment(variable) is { Length: > 0 } value)
            {
                overrides[$"{AuthOptions.SectionName}:{key}"] = value;
            }
        }
    }
}
