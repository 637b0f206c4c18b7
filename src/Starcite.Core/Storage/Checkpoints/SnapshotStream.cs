using System.Buffers.Binary;
using System.IO.Hashing;
using Starcite.Storage.Codec;

namespace Starcite.Storage.Checkpoints;

/// <summary>
/// The whole-store snapshot one cluster member ships to another: a header (magic <c>STRS</c>, version, applied index
/// and term, covered log address), every log record below that address as <c>[length][bytes]</c> (each record carries
/// its own checksum), a <c>-1</c> terminator, the record count, and a CRC-32 of everything before it.
/// </summary>
internal static class SnapshotStream
{
    public const int HeaderSize = 4 + 1 + (3 * sizeof(long));
    private const byte Version = 1;
    private static readonly byte[] Magic = "STRS"u8.ToArray();

    public static byte[] Header(StoreCheckpoint checkpoint)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        header[4] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(5), checkpoint.Applied.Index);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(13), checkpoint.Applied.Term);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(21), checkpoint.CoveredAddress);
        return header;
    }

    /// <summary>Appends one framed record to <paramref name="chunk"/>.</summary>
    public static void WriteRecord(MemoryStream chunk, ReadOnlySpan<byte> record)
    {
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(length, record.Length);
        chunk.Write(length);
        chunk.Write(record);
    }

    /// <summary>The terminator, the record count and the CRC-32 of everything sent before them (<paramref name="crc"/> holds it so far).</summary>
    public static byte[] Trailer(Crc32 crc, long count)
    {
        var trailer = new byte[sizeof(int) + sizeof(long) + sizeof(uint)];
        BinaryPrimitives.WriteInt32LittleEndian(trailer, -1);
        BinaryPrimitives.WriteInt64LittleEndian(trailer.AsSpan(sizeof(int)), count);
        crc.Append(trailer.AsSpan(0, sizeof(int) + sizeof(long)));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(sizeof(int) + sizeof(long)), crc.GetCurrentHashAsUInt32());
        return trailer;
    }

    /// <summary>Checks a whole received snapshot (framing, count and CRC) and returns its checkpoint; the stream is left at the first record.</summary>
    /// <exception cref="CorruptRecordException">The snapshot is truncated or damaged.</exception>
    public static StoreCheckpoint Verify(Stream snapshot)
    {
        var crc = new Crc32();
        var header = ReadExactly(snapshot, HeaderSize, crc);
        if (!header.AsSpan(0, 4).SequenceEqual(Magic) || header[4] != Version)
        {
            throw new CorruptRecordException("Not a Starcite snapshot, or an unknown snapshot version.");
        }

        var checkpoint = new StoreCheckpoint(BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(21)),
            new AppliedPosition(BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(5)), BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(13))));
        var count = 0L;
        while (ReadRecord(snapshot, crc) is not null)
        {
            count++;
        }

        var expected = BinaryPrimitives.ReadInt64LittleEndian(ReadExactly(snapshot, sizeof(long), crc));
        var sum = crc.GetCurrentHashAsUInt32();
        if (expected != count || BinaryPrimitives.ReadUInt32LittleEndian(ReadExactly(snapshot, sizeof(uint), null)) != sum)
        {
            throw new CorruptRecordException("The snapshot's record count or checksum does not match.");
        }

        snapshot.Position = HeaderSize;
        return checkpoint;
    }

    /// <summary>The next record, or null at the terminator.</summary>
    public static byte[]? ReadRecord(Stream snapshot, Crc32? crc = null)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(ReadExactly(snapshot, sizeof(int), crc));
        return length switch
        {
            -1 => null,
            < 0 => throw new CorruptRecordException($"A snapshot record length of {length}."),
            _ => ReadExactly(snapshot, length, crc),
        };
    }

    private static byte[] ReadExactly(Stream snapshot, int count, Crc32? crc)
    {
        var bytes = new byte[count];
        try
        {
            snapshot.ReadExactly(bytes);
        }
        catch (EndOfStreamException ex)
        {
            throw new CorruptRecordException("The snapshot is truncated.", ex);
        }

        crc?.Append(bytes);
        return bytes;
    }
}
