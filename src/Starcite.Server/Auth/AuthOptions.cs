using System.ComponentModel.DataAnnotations;

namespace Starcite.Server.Auth;

/// <summary>Authentication settings (section <c>Starcite:Auth</c>, or the original Starcite's <c>STARCITE_AUTH_*</c>
/// variables; see <see cref="AuthVariables"/>).</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Starcite:Auth";

    /// <summary>Default clock leeway on <c>exp</c> / <c>nbf</c>: 30 s, the original Starcite's.</summary>
    public const int DefaultJwtLeewaySeconds = 30;

    /// <summary>Default principal token lifetime: 600 s.</summary>
    public const int DefaultPrincipalTokenDefaultTtlSeconds = 600;

    /// <summary>Default upper bound of a principal token's lifetime: 900 s.</summary>
    public const int DefaultPrincipalTokenMaxTtlSeconds = 900;

    /// <summary>Default number of validated tokens remembered.</summary>
    public const int DefaultValidationCacheSize = 10_000;

    /// <summary>Default JWKS refresh period: 60 s, the original Starcite's.</summary>
    public static readonly TimeSpan DefaultJwksRefreshInterval = TimeSpan.FromSeconds(60);

    /// <summary>Default shortest time between two JWKS fetches caused by unknown <c>kid</c>s or a failed fetch: 10 s.</summary>
    public static readonly TimeSpan DefaultJwksMinRefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>Default time a JWKS fetch may take: 5 s.</summary>
    public static readonly TimeSpan DefaultJwksTimeout = TimeSpan.FromSeconds(5);

    /// <summary><see cref="AuthMode.None"/> (default) or <see cref="AuthMode.Jwt"/>.</summary>
    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>Where the service JWT signing keys are published (a JSON Web Key Set); required in jwt mode.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>The <c>iss</c> every service JWT must carry; required in jwt mode.</summary>
    public string? JwtIssuer { get; set; }

    /// <summary>An <c>aud</c> every service JWT must carry; required in jwt mode.</summary>
    public string? JwtAudience { get; set; }

    /// <summary>Clock leeway applied to <c>exp</c> and <c>nbf</c> of every token, in seconds.</summary>
    [Range(0, 300)]
    public int JwtLeewaySeconds { get; set; } = DefaultJwtLeewaySeconds;

    /// <summary>How often the JWKS is fetched again in the background.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan JwksRefreshInterval { get; set; } = DefaultJwksRefreshInterval;

    /// <summary>The throttle of on-demand fetches (a token with an unknown <c>kid</c>, or no keys yet): at most one per
    /// this interval, so a flood of forged <c>kid</c>s never becomes a flood of requests to the key server.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan JwksMinRefreshInterval { get; set; } = DefaultJwksMinRefreshInterval;

    /// <summary>How long one JWKS fetch may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan JwksTimeout { get; set; } = DefaultJwksTimeout;

    /// <summary>The secret principal tokens are signed with (at least 32 bytes of UTF-8). Without it
    /// <c>POST /v1/auth/issue</c> is refused and only service JWTs are accepted. Never logged.</summary>
    public string? PrincipalTokenSecret { get; set; }

    /// <summary>Lifetime of a principal token whose issue request gives no <c>ttl_seconds</c>.</summary>
    [Range(1, 86_400)]
    public int PrincipalTokenDefaultTtlSeconds { get; set; } = DefaultPrincipalTokenDefaultTtlSeconds;

    /// <summary>The longest <c>ttl_seconds</c> an issue request may ask for.</summary>
    [Range(1, 86_400)]
    public int PrincipalTokenMaxTtlSeconds { get; set; } = DefaultPrincipalTokenMaxTtlSeconds;

    /// <summary>How many validated tokens are remembered (until they expire), so the hot path skips signature checks.
    /// 0 turns the cache off.</summary>
    [Range(0, 1_000_000)]
    public int ValidationCacheSize { get; set; } = DefaultValidationCacheSize;
}
