using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Starcite.Sessions;

namespace Starcite.Server.Auth;

/// <summary>
/// Principal tokens: HS256 JWTs the server signs for <c>POST /v1/auth/issue</c> and accepts back. The key is derived
/// from <see cref="AuthOptions.PrincipalTokenSecret"/> (HKDF-SHA256 with a purpose label), and the tokens carry their
/// own issuer and audience, so they can never pass for a service JWT (RS256 only, keys from the JWKS) nor the reverse.
/// </summary>
internal sealed class PrincipalTokens
{
    /// <summary>The <c>iss</c> of every principal token.</summary>
    public const string Issuer = "urn:starcite:principal";

    /// <summary>The <c>aud</c> of every principal token.</summary>
    public const string Audience = "urn:starcite";

    /// <summary>The claims version; a token with another is refused.</summary>
    public const int Version = 1;

    private static readonly byte[] KeyPurpose = "starcite principal token signing key v1"u8.ToArray();

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials? _signing;
    private readonly TokenValidationParameters? _validation;
    private readonly AuthClock _clock;
    private readonly TimeSpan _leeway;

    public PrincipalTokens(IOptions<AuthOptions> options, AuthClock clock)
    {
        _clock = clock;
        _leeway = TimeSpan.FromSeconds(options.Value.JwtLeewaySeconds);
        if (options.Value.PrincipalTokenSecret is not { Length: > 0 } secret)
        {
            return;
        }

        var key = new SymmetricSecurityKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: KeyPurpose));
        _signing = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKey = key,
            RequireSignedTokens = true,
            ValidateLifetime = false, // TokenLifetime checks exp and nbf on the auth clock
        };
    }

    /// <summary>False without a configured secret: nothing is issued and no principal token is accepted.</summary>
    public bool Enabled => _signing is not null;

    /// <summary>Signs a token for <paramref name="request"/>, valid from now for its TTL.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(IssueRequest request)
    {
        var signing = _signing ?? throw new InvalidOperationException("Principal tokens are disabled.");
        var now = _clock.UtcNow;
        var expires = now.AddSeconds(request.TtlSeconds);
        var claims = new Dictionary<string, object>
        {
            ["v"] = Version,
            ["sub"] = request.Principal.Id,
            ["tenant_id"] = request.Principal.TenantId,
            ["principal_type"] = AuthContext.TypeName(request.Principal.Type),
            ["scopes"] = ScopeNames.NamesOf(request.Scopes),
        };
        if (request.SessionIds is { } ids)
        {
            claims["session_ids"] = ids;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            // Explicit times from the auth clock; the handler's defaults would read the wall clock.
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = signing,
        });
        return (token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Validates a principal token (signature, issuer, audience, lifetime) and its claims.</summary>
    public async ValueTask<AuthOutcome> ValidateAsync(JsonWebToken token)
    {
        if (_validation is null)
        {
            return AuthOutcome.Unauthorized("invalid_token", "Principal tokens are not accepted: the server has no principal token secret");
        }

        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid)
        {
            return AuthOutcome.Unauthorized("invalid_token", TokenFailures.Describe(result.Exception));
        }

        if (TokenLifetime.Check(token, _clock.UtcNow, _leeway, out var acceptedUntil) is { } expired)
        {
            return AuthOutcome.Unauthorized("invalid_token", expired);
        }

        if (!TryReadClaims(token, out var principal, out var scopes, out var sessionIds))
        {
            return AuthOutcome.Unauthorized("invalid_token", "The principal token's claims are not valid");
        }

        return AuthOutcome.Ok(new AuthContext(AuthKind.Principal, principal, scopes, sessionIds, acceptedUntil));
    }

    /// <summary>The claims are checked again on the way in, so a token is honoured only in the shape this server issues.</summary>
    private static bool TryReadClaims(JsonWebToken token, out Principal principal, out AuthScopes scopes, out string[]? sessionIds)
    {
        principal = null!;
        scopes = AuthScopes.None;
        sessionIds = null;
        if (!token.TryGetPayloadValue<int>("v", out var version) || version != Version
            || !token.TryGetPayloadValue<string>("tenant_id", out var tenant) || !IssueRequest.IsPrincipalText(tenant)
            || !token.TryGetPayloadValue<string>("sub", out var id) || !IssueRequest.IsPrincipalText(id)
            || !token.TryGetPayloadValue<string>("principal_type", out var type) || type is not ("user" or "agent")
            || !token.TryGetPayloadValue<string[]>("scopes", out var names) || names is not { Length: > 0 })
        {
            return false;
        }

        foreach (var name in names)
        {
            if (!ScopeNames.TryParse(name, out var scope))
            {
                return false;
            }

            scopes |= scope;
        }

        if (token.TryGetPayloadValue<string[]>("session_ids", out var ids))
        {
            if (ids is not { Length: > 0 and <= IssueRequest.MaxSessionIds } || !ids.All(IssueRequest.IsSessionId))
            {
                return false;
            }

            sessionIds = ids;
        }

        var kind = type == "agent" ? PrincipalType.Agent : PrincipalType.User;
        if (kind == PrincipalType.Agent && sessionIds is not { Length: 1 })
        {
            return false; // agents are bound to exactly one session
        }

        principal = new Principal(tenant, id, kind);
        return true;
    }
}
