using System.Text;

namespace Starcite.Sessions;

/// <summary>Length rules for the contract's string fields. Lengths count Unicode characters (scalar values).</summary>
internal static class TextRules
{
    public const int MaxFieldLength = 256;
    public const int MaxTitleLength = 1024;

    /// <summary>Checks a required, non-empty string of at most <paramref name="max"/> characters.</summary>
    public static string Required(string? value, string field, string code, int max = MaxFieldLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidRequestException(code, field, $"{field} is required and must be a non-empty string");
        }

        return Bounded(value, field, code, max);
    }

    /// <summary>Checks an optional string: null, or non-empty with at most <paramref name="max"/> characters.</summary>
    public static string? Optional(string? value, string field, string code, int max = MaxFieldLength)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length == 0)
        {
            throw new InvalidRequestException(code, field, $"{field} must be a non-empty string or null");
        }

        return Bounded(value, field, code, max);
    }

    private static string Bounded(string value, string field, string code, int max)
    {
        if (CountCharacters(value, field, code) > max)
        {
            throw new InvalidRequestException(code, field, $"{field} must be at most {max} characters");
        }

        return value;
    }

    private static int CountCharacters(string value, string field, string code)
    {
        var count = 0;
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                throw new InvalidRequestException(code, field, $"{field} is not valid Unicode text");
            }

            rest = rest[consumed..];
            count++;
        }

        return count;
    }
}
