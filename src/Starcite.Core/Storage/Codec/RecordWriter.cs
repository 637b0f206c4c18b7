using System.Buffers.Binary;
using System.Text;

namespace Starcite.Storage.Codec;

/// <summary>Writes the little-endian primitives of the record format into a span sized by <see cref="RecordCodec"/>.SizeOf.</summary>
internal ref struct RecordWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    /// <summary>The bytes of a length prefix.</summary>
    public const int LengthPrefix = sizeof(int);

    public readonly int Written => _position;

    /// <summary>The bytes <see cref="String"/> writes for <paramref name="value"/>.</summary>
    public static int SizeOf(string? value) => LengthPrefix + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));

    /// <summary>The bytes <see cref="OptionalPrincipal"/> writes for <paramref name="principal"/>.</summary>
    public static int SizeOf(Starcite.Sessions.Principal? principal) =>
        1 + (principal is { } p ? SizeOf(p.TenantId) + SizeOf(p.Id) + 1 : 0);

    /// <summary>A presence flag, then the principal's tenant, id and type when present.</summary>
    public void OptionalPrincipal(Starcite.Sessions.Principal? principal)
    {
        Byte(principal is null ? (byte)0 : (byte)1);
        if (principal is not null)
        {
            String(principal.TenantId);
            String(principal.Id);
            Byte((byte)principal.Type);
        }
    }

    public void Byte(byte value) => _buffer[_position++] = value;

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[_position..], value);
        _position += sizeof(long);
    }

    /// <summary>A length-prefixed UTF-8 string; length -1 encodes null.</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            Length(-1);
            return;
        }

        var length = Encoding.UTF8.GetBytes(value, _buffer[(_position + sizeof(int))..]);
        Length(length);
        _position += length;
    }

    /// <summary>Length-prefixed bytes.</summary>
    public void Bytes(ReadOnlySpan<byte> value)
    {
        Length(value.Length);
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    private void Length(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[_position..], value);
        _position += sizeof(int);
    }
}
