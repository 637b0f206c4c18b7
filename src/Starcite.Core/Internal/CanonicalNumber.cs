using System.Numerics;

namespace Starcite.Internal;

/// <summary>
/// A JSON number's exact value as sign × digits × 10^exponent, with no leading or trailing zeros in the digits, so
/// two texts are equal exactly when their values are. No floating point: any size and precision compares exactly.
/// </summary>
internal readonly record struct CanonicalNumber(bool Negative, string Digits, BigInteger Exponent)
{
    /// <summary>Parses valid JSON number text (<c>-?int(.frac)?([eE][+-]?exp)?</c>).</summary>
    public static CanonicalNumber Parse(string text)
    {
        var negative = text.StartsWith('-');
        var rest = negative ? text[1..] : text;
        var exponentAt = rest.IndexOfAny(['e', 'E']);
        var exponent = exponentAt < 0 ? BigInteger.Zero : BigInteger.Parse(rest[(exponentAt + 1)..].TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? rest : rest[..exponentAt];
        var dot = mantissa.IndexOf('.');
        if (dot >= 0)
        {
            exponent -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }

        var digits = mantissa.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        return trimmed.Length == 0
            ? new CanonicalNumber(false, "0", BigInteger.Zero) // -0, 0.000 and 0e5 are all zero
            : new CanonicalNumber(negative, trimmed, exponent);
    }
}
