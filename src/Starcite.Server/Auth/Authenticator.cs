using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Starcite.Server.Auth;

/// <summary>
/// Turns a request's bearer token into an <see cref="AuthContext"/> (jwt mode). A token whose issuer is
/// <see cref="PrincipalTokens.Issuer"/> is checked as a principal token (HS256, the server's key); every other token as
/// a service JWT: RS256 only, with the JWKS key its <c>kid</c> names, the configured issuer and audience, and
/// <c>exp</c> / <c>nbf</c> within the leeway. The unverified issuer only picks which of the two strict checks runs.
/// Tokens that pass are remembered in a <see cref="TokenCache"/> until they expire.
/// </summary>
internal sealed class Authenticator
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters _service;
    private readonly JwksKeys _keys;
    private readonly PrincipalTokens _principals;
    private readonly TokenCache _cache;
    private readonly AuthClock _clock;
    private readonly TimeSpan _leeway;

    public Authenticator(IOptions<AuthOptions> options, JwksKeys keys, PrincipalTokens principals, AuthClock clock)
    {
        var o = options.Value;
        _keys = keys;
        _principals = principals;
        _clock = clock;
        _leeway = TimeSpan.FromSeconds(o.JwtLeewaySeconds);
        _cache = new TokenCache(o.ValidationCacheSize);
        keys.KeysChanged += _cache.Clear; // a key rotated out takes the tokens it signed with it
        _service = new TokenValidationParameters
        {
            ValidIssuer = o.JwtIssuer,
            ValidAudience = o.JwtAudience,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeyResolver = (_, _, kid, _) => kid is not null && keys.Find(kid) is { } key ? [key] : [],
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidateLifetime = false, // TokenLifetime checks exp and nbf on the auth clock
        };
    }

    public async ValueTask<AuthOutcome> AuthenticateAsync(HttpRequest request, bool allowQueryToken, CancellationToken cancellationToken)
    {
        var found = BearerToken.Find(request, allowQueryToken);
        if (!found.IsFound)
        {
            return AuthOutcome.Unauthorized(found.IsMalformed ? "invalid_request" : null, found.Message);
        }

        if (_cache.TryGet(found.Token.AsSpan(), _clock.UtcNow, out var cached))
        {
            return AuthOutcome.Ok(cached);
        }

        var token = found.Token.Value!;
        var outcome = await ValidateAsync(token, cancellationToken);
        if (outcome.Context is { } context)
        {
            _cache.Add(token, context);
        }

        return outcome;
    }

    private async ValueTask<AuthOutcome> ValidateAsync(string text, CancellationToken cancellationToken)
    {
        JsonWebToken token;
        try
        {
            token = _handler.ReadJsonWebToken(text);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return AuthOutcome.Unauthorized("invalid_token", "The bearer token is not a well-formed JWT");
        }

        if (token.IsEncrypted)
        {
            return AuthOutcome.Unauthorized("invalid_token", "Encrypted tokens are not accepted");
        }

        return token.Issuer == PrincipalTokens.Issuer
            ? await _principals.ValidateAsync(token)
            : await ValidateServiceAsync(token, cancellationToken);
    }

    private async ValueTask<AuthOutcome> ValidateServiceAsync(JsonWebToken token, CancellationToken cancellationToken)
    {
        // Checked before any key lookup: alg "none", HS256 signed with the public key and the like never get further.
        if (token.Alg != SecurityAlgorithms.RsaSha256)
        {
            return AuthOutcome.Unauthorized("invalid_token", "Service tokens must be signed with RS256");
        }

        if (string.IsNullOrEmpty(token.Kid))
        {
            return AuthOutcome.Unauthorized("invalid_token", "The token names no signing key (kid)");
        }

        var key = await _keys.GetAsync(token.Kid, cancellationToken);
        if (key.IsUnavailable)
        {
            return AuthOutcome.Unavailable("The signing keys (JWKS) cannot be fetched; retry later", key.RetryAfterSeconds);
        }

        if (key.Key is null)
        {
            return AuthOutcome.Unauthorized("invalid_token", "The token's signing key is not known");
        }

        var result = await _handler.ValidateTokenAsync(token, _service);
        if (!result.IsValid)
        {
            return AuthOutcome.Unauthorized("invalid_token", TokenFailures.Describe(result.Exception));
        }

        if (TokenLifetime.Check(token, _clock.UtcNow, _leeway, out var acceptedUntil) is { } expired)
        {
            return AuthOutcome.Unauthorized("invalid_token", expired);
        }

        return AuthOutcome.Ok(new AuthContext(AuthKind.Service, null, AuthScopes.All, null, acceptedUntil));
    }
}
