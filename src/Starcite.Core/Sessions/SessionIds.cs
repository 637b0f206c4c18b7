using System.Security.Cryptography;

namespace Starcite.Sessions;

/// <summary>Session id rules (contract §2) and generation.</summary>
internal static class SessionIds
{
    public const int MaxLength = 128;
    private const string GeneratedPrefix = "ses_";
    private const int GeneratedRandomLength = 22;
    private const string UrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <exception cref="InvalidRequestException">The id breaks the rules.</exception>
    public static void ThrowIfInvalid(string id)
    {
        if (!IsValid(id))
        {
            throw new InvalidRequestException(
                "invalid_session_id",
                "id",
                "id must be 1-128 characters from A-Z a-z 0-9 . _ : - and start with a letter or digit");
        }
    }

    /// <summary><c>ses_</c> + 22 URL-safe random characters (132 bits of randomness).</summary>
    public static string Generate() =>
        GeneratedPrefix + RandomNumberGenerator.GetString(UrlSafe, GeneratedRandomLength);
}
