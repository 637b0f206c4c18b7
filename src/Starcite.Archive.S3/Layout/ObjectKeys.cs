using System.Globalization;
using System.Text;

namespace Starcite.Archive.S3.Layout;

/// <summary>
/// Object keys of one archive prefix (docs/archive-layout.md):
/// <c>{prefix}layout.json</c>, <c>{prefix}records/{id}.json</c> and <c>{prefix}events/{id}/{first seq, 19 digits}.ndjson</c>,
/// where <c>{id}</c> is the session id in the encoding of <see cref="EncodeId"/>.
/// </summary>
internal sealed class ObjectKeys(string prefix)
{
    /// <summary>Digits of a chunk's first seq in its key: every positive <see cref="long"/> fits, so keys sort by seq.</summary>
    public const int SeqDigits = 19;

    public string Prefix { get; } = prefix;

    public string Layout => Prefix + "layout.json";

    public string RecordsPrefix => Prefix + "records/";

    public string Record(string sessionId) => RecordsPrefix + EncodeId(sessionId) + ".json";

    public string Chunk(string sessionId, long firstSeq) =>
        Prefix + "events/" + EncodeId(sessionId) + "/" + firstSeq.ToString("D" + SeqDigits, CultureInfo.InvariantCulture) + ".ndjson";

    /// <summary>
    /// Encodes a session id for keys: lower-case letters stay as they are, every other character becomes a digit-led
    /// code (<c>-</c> 0, <c>.</c> 1, digit d 2d, <c>:</c> 3, upper-case X 4x, <c>_</c> 5). So <c>ses_Demo-1</c> is
    /// <c>ses54demo021</c>.
    /// </summary>
    /// <remarks>
    /// Why this code: keys use only <c>0-9 a-z</c>, so ids that differ in case never collide on case-insensitive
    /// backends, and no character needs URL or file-system escaping. The codes are prefix-free and ordered like the
    /// characters they stand for (<c>- . 0-9 : A-Z _ a-z</c>), and every code byte sorts above <c>.</c> and <c>/</c>,
    /// which end the id in a key. So key order is ordinal id order, and listing <c>records/</c> lists sessions in id
    /// order without reading them all.
    /// </remarks>
    /// <exception cref="ArgumentException">The id holds a character outside <c>A-Z a-z 0-9 . _ : -</c>.</exception>
    public static string EncodeId(string id)
    {
        var encoded = EncodeIdPrefix(id, out var consumed);
        if (consumed != id.Length)
        {
            throw new ArgumentException($"Session id '{id}' holds a character outside A-Z a-z 0-9 . _ : -.", nameof(id));
        }

        return encoded;
    }

    /// <summary>Encodes the longest prefix of <paramref name="text"/> made of id characters; <paramref name="consumed"/> is its length.</summary>
    public static string EncodeIdPrefix(string text, out int consumed)
    {
        var builder = new StringBuilder(text.Length + 8);
        consumed = 0;
        foreach (var c in text)
        {
            switch (c)
            {
                case >= 'a' and <= 'z':
                    builder.Append(c);
                    break;
                case '-':
                    builder.Append('0');
                    break;
                case '.':
                    builder.Append('1');
                    break;
                case >= '0' and <= '9':
                    builder.Append('2').Append(c);
                    break;
                case ':':
                    builder.Append('3');
                    break;
                case >= 'A' and <= 'Z':
                    builder.Append('4').Append(char.ToLowerInvariant(c));
                    break;
                case '_':
                    builder.Append('5');
                    break;
                default:
                    return builder.ToString();
            }

            consumed++;
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="EncodeId"/>; null when <paramref name="encoded"/> is not an encoded id.</summary>
    public static string? DecodeId(ReadOnlySpan<char> encoded)
    {
        var builder = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            var next = i + 1 < encoded.Length ? encoded[i + 1] : '\0';
            switch (c)
            {
                case >= 'a' and <= 'z':
                    builder.Append(c);
                    break;
                case '0':
                    builder.Append('-');
                    break;
                case '1':
                    builder.Append('.');
                    break;
                case '2' when next is >= '0' and <= '9':
                    builder.Append(next);
                    i++;
                    break;
                case '3':
                    builder.Append(':');
                    break;
                case '4' when next is >= 'a' and <= 'z':
                    builder.Append(char.ToUpperInvariant(next));
                    i++;
                    break;
                case '5':
                    builder.Append('_');
                    break;
                default:
                    return null;
            }
        }

        return builder.ToString();
    }
}
