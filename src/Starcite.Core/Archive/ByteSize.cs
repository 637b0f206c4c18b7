using System.Globalization;

namespace Starcite.Archive;

/// <summary>
/// Sizes written like <c>2GB</c>, <c>256M</c> or <c>1048576B</c>: binary multiples, and a bare number means megabytes
/// (the original Starcite's <c>STARCITE_EVENT_STORE_MAX_SIZE</c> syntax).
/// </summary>
internal static class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var value = text?.Trim() ?? "";
        var digits = value.TakeWhile(char.IsAsciiDigit).Count();
        if (digits == 0 || !long.TryParse(value.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        long? multiplier = value[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "M" or "MB" or "MIB" => 1L << 20,
            "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => null,
        };
        if (multiplier is not { } unit || amount > long.MaxValue / unit)
        {
            return false;
        }

        bytes = amount * unit;
        return true;
    }
}
