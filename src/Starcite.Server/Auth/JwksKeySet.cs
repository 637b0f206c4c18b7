using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Starcite.Server.Auth;

/// <summary>
/// The usable signing keys of one JWKS document: RSA keys with a <c>kid</c>, meant for signatures (<c>use</c> absent or
/// <c>sig</c>), for RS256 (<c>alg</c> absent or <c>RS256</c>) and of at least 2048 bits. Everything else is left out,
/// and so is every key whose <c>kid</c> appears twice (which one would be meant is unknowable).
/// </summary>
internal sealed class JwksKeySet
{
    public const int MinRsaKeyBits = 2048;
    public const int MaxKeys = 100;

    private readonly FrozenDictionary<string, SecurityKey> _keys;

    private JwksKeySet(FrozenDictionary<string, SecurityKey> keys, string fingerprint, int skipped)
    {
        _keys = keys;
        Fingerprint = fingerprint;
        Skipped = skipped;
    }

    public int Count => _keys.Count;

    /// <summary>How many keys of the document were left out.</summary>
    public int Skipped { get; }

    /// <summary>Identifies the key material, so a refresh can tell whether anything changed.</summary>
    public string Fingerprint { get; }

    public SecurityKey? Find(string kid) => _keys.GetValueOrDefault(kid);

    /// <summary>Parses a JWKS document.</summary>
    /// <exception cref="FormatException">Not a JWKS, too many keys, or no usable key at all.</exception>
    public static JwksKeySet Parse(string json)
    {
        JsonWebKeySet document;
        try
        {
            document = new JsonWebKeySet(json);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("The JWKS is not a JSON Web Key Set.", ex);
        }

        if (document.Keys.Count > MaxKeys)
        {
            throw new FormatException($"The JWKS has {document.Keys.Count} keys, more than {MaxKeys}.");
        }

        var usable = new Dictionary<string, (SecurityKey Key, string Material)>(StringComparer.Ordinal);
        var duplicated = new HashSet<string>(StringComparer.Ordinal);
        var skipped = 0;
        foreach (var jwk in document.Keys)
        {
            if (!TryConvert(jwk, out var key, out var material))
            {
                skipped++;
            }
            else if (!usable.TryAdd(jwk.Kid, (key, material)))
            {
                duplicated.Add(jwk.Kid);
            }
        }

        foreach (var kid in duplicated)
        {
            usable.Remove(kid);
            skipped += 2;
        }

        if (usable.Count == 0)
        {
            throw new FormatException("The JWKS has no usable RS256 signing key.");
        }

        var fingerprint = string.Join('\n', usable.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value.Material}"));
        return new JwksKeySet(usable.ToFrozenDictionary(p => p.Key, p => p.Value.Key, StringComparer.Ordinal),
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint))), skipped);
    }

    private static bool TryConvert(JsonWebKey jwk, out SecurityKey key, out string material)
    {
        key = null!;
        material = "";
        if (jwk.Kty != JsonWebAlgorithmsKeyTypes.RSA || string.IsNullOrEmpty(jwk.Kid)
            || !(string.IsNullOrEmpty(jwk.Use) || jwk.Use == JsonWebKeyUseNames.Sig)
            || !(string.IsNullOrEmpty(jwk.Alg) || jwk.Alg == SecurityAlgorithms.RsaSha256)
            || string.IsNullOrEmpty(jwk.N) || string.IsNullOrEmpty(jwk.E))
        {
            return false;
        }

        try
        {
            var parameters = new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk.N), Exponent = Base64UrlEncoder.DecodeBytes(jwk.E) };
            var rsa = new RsaSecurityKey(parameters) { KeyId = jwk.Kid };
            if (rsa.KeySize < MinRsaKeyBits)
            {
                return false;
            }

            key = rsa;
            material = $"{jwk.N}.{jwk.E}";
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or CryptographicException)
        {
            return false; // not base64url, or not an RSA key
        }
    }
}
