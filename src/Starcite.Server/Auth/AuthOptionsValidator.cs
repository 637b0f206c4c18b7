using System.Text;
using Microsoft.Extensions.Options;

namespace Starcite.Server.Auth;

/// <summary>Validates <see cref="AuthOptions"/> on start: DataAnnotations through the source generator, then the rules
/// between fields (what jwt mode needs), so a misconfigured server refuses to start and says which setting is wrong.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>The smallest principal token secret: 32 bytes, the HS256 key size.</summary>
    public const int MinSecretBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        var annotations = new AuthOptionsAnnotations().Validate(name, options);
        if (annotations.Failed)
        {
            failures.AddRange(annotations.Failures);
        }

        failures.AddRange(CrossFieldFailures(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> CrossFieldFailures(AuthOptions options)
    {
        if (!Enum.IsDefined(options.Mode))
        {
            yield return $"Starcite:Auth:Mode (STARCITE_AUTH_MODE) must be none or jwt, got {options.Mode}.";
        }

        if (options.PrincipalTokenDefaultTtlSeconds > options.PrincipalTokenMaxTtlSeconds)
        {
            yield return $"Starcite:Auth:PrincipalTokenDefaultTtlSeconds ({options.PrincipalTokenDefaultTtlSeconds}) must not exceed " +
                         $"PrincipalTokenMaxTtlSeconds ({options.PrincipalTokenMaxTtlSeconds}).";
        }

        if (options.JwksMinRefreshInterval > options.JwksRefreshInterval)
        {
            yield return $"Starcite:Auth:JwksMinRefreshInterval ({options.JwksMinRefreshInterval}) must not exceed JwksRefreshInterval ({options.JwksRefreshInterval}).";
        }

        if (options.PrincipalTokenSecret is { } secret && Encoding.UTF8.GetByteCount(secret) < MinSecretBytes)
        {
            // The message never shows the secret, only its size.
            yield return $"Starcite:Auth:PrincipalTokenSecret (STARCITE_AUTH_PRINCIPAL_TOKEN_SECRET) must be at least {MinSecretBytes} bytes, got {Encoding.UTF8.GetByteCount(secret)}.";
        }

        if (options.Mode != AuthMode.Jwt)
        {
            yield break;
        }

        if (!Uri.TryCreate(options.JwksUrl, UriKind.Absolute, out var jwks) || jwks.Scheme is not ("https" or "http"))
        {
            yield return "Starcite:Auth:JwksUrl (STARCITE_AUTH_JWKS_URL) must be an absolute http or https URL in jwt mode.";
        }

        if (string.IsNullOrWhiteSpace(options.JwtIssuer))
        {
            yield return "Starcite:Auth:JwtIssuer (STARCITE_AUTH_JWT_ISSUER) is required in jwt mode.";
        }
        else if (options.JwtIssuer == PrincipalTokens.Issuer)
        {
            yield return $"Starcite:Auth:JwtIssuer must differ from {PrincipalTokens.Issuer}, the issuer of the server's own principal tokens.";
        }

        if (string.IsNullOrWhiteSpace(options.JwtAudience))
        {
            yield return "Starcite:Auth:JwtAudience (STARCITE_AUTH_JWT_AUDIENCE) is required in jwt mode.";
        }
    }
}

/// <summary>The DataAnnotations of <see cref="AuthOptions"/>, checked without reflection.</summary>
[OptionsValidator]
internal sealed partial class AuthOptionsAnnotations : IValidateOptions<AuthOptions>;
