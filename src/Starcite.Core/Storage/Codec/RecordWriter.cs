using System.Buffers.Binary;
using System.Text;

namespace Starcite.Storage.Codec;

/// <summary>Writes the little-endian primitives of the record format into a span sized by <see cref="RecordCodec"/>.SizeOf.</summary>
internal ref struct RecordWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    public readonly int Written => _position;

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
