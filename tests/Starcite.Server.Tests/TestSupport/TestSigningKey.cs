using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>A real RSA key pair with a kid: its public half as a JWK, and service JWTs signed with it.</summary>
public sealed class TestSigningKey : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public TestSigningKey(string kid) => Kid = kid;

    public string Kid { get; }

    /// <summary>The public key as a JWKS entry.</summary>
    public Dictionary<string, string> Jwk()
    {
        var p = _rsa.ExportParameters(includePrivateParameters: false);
        return new() { ["kty"] = "RSA", ["kid"] = Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
    }

    /// <summary>The public key in PEM, as an attacker would find it, for the HS256-with-public-key forgery.</summary>
    public byte[] PublicKeyPem() => Encoding.ASCII.GetBytes(_rsa.ExportSubjectPublicKeyInfoPem());

    /// <summary>An RS256 JWT signed with this key.</summary>
    public string Sign(string issuer, string audience, DateTimeOffset notBefore, DateTimeOffset expires, IDictionary<string, object>? claims = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims ?? new Dictionary<string, object> { ["sub"] = "service:tests" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256),
        });

    /// <summary>A JWT assembled by hand from a header, a payload and a signature function: for forgeries no library makes.</summary>
    public static string Craft(object header, object payload, Func<byte[], byte[]> sign)
    {
        var signingInput = $"{Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(payload))}";
        var signature = sign(Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{(signature.Length == 0 ? "" : Base64UrlEncoder.Encode(signature))}";
    }

    /// <summary>RS256 over <paramref name="signingInput"/> with this key, for hand-made tokens.</summary>
    public byte[] SignRs256(byte[] signingInput) => _rsa.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public void Dispose() => _rsa.Dispose();
}
