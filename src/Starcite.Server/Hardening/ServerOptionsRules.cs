using Microsoft.Extensions.Options;

namespace Starcite.Server.Hardening;

/// <summary>The rules of <see cref="ServerOptions"/> DataAnnotations cannot say: every allowed origin is one.</summary>
internal sealed class ServerOptionsRules : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var invalid = OriginPolicy.Invalid(options.AllowedOrigins).ToArray();
        return invalid.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Starcite:Server:AllowedOrigins must hold * or origins like https://app.example.com (scheme, host, " +
                                         $"optional port; no path), got: {string.Join(", ", invalid)}.");
    }
}
