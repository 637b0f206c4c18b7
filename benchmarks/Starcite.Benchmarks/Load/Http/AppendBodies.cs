using System.Globalization;
using System.Text;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>Append request bodies for one producer: the fixed parts are encoded once, only producer_seq changes.</summary>
internal sealed class AppendBodies(string producerId, byte[] payload)
{
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes("""{"type":"content","payload":""");
    private readonly byte[] _middle = Encoding.UTF8.GetBytes($$""","actor":"agent:load","producer_id":"{{producerId}}","producer_seq":""");

    public byte[] For(long producerSeq)
    {
        Span<byte> digits = stackalloc byte[20];
        producerSeq.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        var body = new byte[_prefix.Length + payload.Length + _middle.Length + length + 1];
        var span = body.AsSpan();
        _prefix.CopyTo(span);
        payload.CopyTo(span[_prefix.Length..]);
        _middle.CopyTo(span[(_prefix.Length + payload.Length)..]);
        digits[..length].CopyTo(span[(_prefix.Length + payload.Length + _middle.Length)..]);
        body[^1] = (byte)'}';
        return body;
    }
}
