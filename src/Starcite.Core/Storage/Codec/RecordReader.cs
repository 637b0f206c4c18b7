using System.Buffers.Binary;
using System.Text;

namespace Starcite.Storage.Codec;

/// <summary>Reads what <see cref="RecordWriter"/> wrote. Any malformed length throws <see cref="CorruptRecordException"/>.</summary>
internal ref struct RecordReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly bool AtEnd => _position == _buffer.Length;

    /// <summary>What <see cref="RecordWriter.OptionalPrincipal"/> wrote.</summary>
    public Starcite.Sessions.Principal? OptionalPrincipal()
    {
        switch (Byte())
        {
            case 0:
                return null;
            case 1:
                var tenantId = RequiredString();
                var id = RequiredString();
                var type = (Starcite.Sessions.PrincipalType)Byte();
                return Enum.IsDefined(type)
                    ? new Starcite.Sessions.Principal(tenantId, id, type)
                    : throw new CorruptRecordException($"Unknown principal type {(byte)type}.");
            case var flag:
                throw new CorruptRecordException($"Unknown principal flag {flag}.");
        }
    }

    public byte Byte()
    {
        Need(1);
        return _buffer[_position++];
    }

    public long Int64()
    {
        Need(sizeof(long));
        var value = BinaryPrimitives.ReadInt64LittleEndian(_buffer[_position..]);
        _position += sizeof(long);
        return value;
    }

    public string? String()
    {
        var length = Length(allowNull: true);
        if (length < 0)
        {
            return null;
        }

        var value = Encoding.UTF8.GetString(_buffer.Slice(_position, length));
        _position += length;
        return value;
    }

    public string RequiredString() => String() ?? throw new CorruptRecordException("A required string is null.");

    public byte[] Bytes()
    {
        var length = Length(allowNull: false);
        var value = _buffer.Slice(_position, length).ToArray();
        _position += length;
        return value;
    }

    private int Length(bool allowNull)
    {
        Need(sizeof(int));
        var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
        _position += sizeof(int);
        if (length < (allowNull ? -1 : 0) || length > _buffer.Length - _position)
        {
            throw new CorruptRecordException($"Length {length} at offset {_position - sizeof(int)} is out of range.");
        }

        return length;
    }

    private readonly void Need(int bytes)
    {
        if (_buffer.Length - _position < bytes)
        {
            throw new CorruptRecordException($"The record ends early at offset {_position}.");
        }
    }
}
