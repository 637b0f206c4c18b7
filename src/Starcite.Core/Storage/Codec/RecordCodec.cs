using System.Buffers.Binary;
using System.IO.Hashing;
using Starcite.Internal;
using Starcite.Sessions;

namespace Starcite.Storage.Codec;

/// <summary>
/// The persisted record format. Every record starts with <see cref="FormatVersion"/>, a <see cref="RecordKind"/> and a
/// CRC-32 of all its other bytes; integers are little-endian, strings and byte fields are length-prefixed (length -1 =
/// null). The CRC is ours because FASTER's per-entry checksum is a 64-bit XOR that misses swapped words and is not
/// checked on every read path. Golden-byte tests freeze this layout: change it only by adding a version.
/// </summary>
/// <remarks>
/// Both kinds: version, kind, CRC-32, then<br/>
/// SessionCreated: number, created_at, id, title, metadata, principal flag [tenant_id, id, type].<br/>
/// EventAppended: session number, seq, producer_seq, inserted_at, producer_id, type, actor, source,
/// idempotency_key, payload, metadata, refs.<br/>
/// SessionArchived: session number, archived seq, the bytes of the event records it newly covers.
/// </remarks>
internal static class RecordCodec
{
    public const byte FormatVersion = 1;

    private const int LengthPrefix = RecordWriter.LengthPrefix;

    /// <summary>Version, kind and CRC-32.</summary>
    private const int Preamble = 2 + sizeof(uint);

    [ThreadStatic]
    private static Crc32? _threadCrc;

    public static int SizeOf(SessionHeader header) =>
        Preamble + (2 * sizeof(long)) + RecordWriter.SizeOf(header.Id) + RecordWriter.SizeOf(header.Title) + LengthPrefix + header.Metadata.Length
        + RecordWriter.SizeOf(header.CreatorPrincipal);

    public static int Write(SessionHeader header, Span<byte> destination)
    {
        var writer = Begin(destination, RecordKind.SessionCreated);
        writer.Int64(header.Number);
        writer.Int64(header.CreatedAtMicros);
        writer.String(header.Id);
        writer.String(header.Title);
        writer.Bytes(header.Metadata);
        writer.OptionalPrincipal(header.CreatorPrincipal);

        return Seal(destination, writer.Written);
    }

    public static int SizeOf(AppendCommand command) =>
        Preamble + (4 * sizeof(long)) + RecordWriter.SizeOf(command.ProducerId) + RecordWriter.SizeOf(command.Type) + RecordWriter.SizeOf(command.Actor)
        + RecordWriter.SizeOf(command.Source) + RecordWriter.SizeOf(command.IdempotencyKey)
        + (3 * LengthPrefix) + command.Payload.Length + command.Metadata.Length + command.Refs.Length;

    public static int Write(long sessionNumber, long seq, AppendCommand command, Span<byte> destination)
    {
        var writer = Begin(destination, RecordKind.EventAppended);
        writer.Int64(sessionNumber);
        writer.Int64(seq);
        writer.Int64(command.ProducerSeq);
        writer.Int64(command.InsertedAtMicros);
        writer.String(command.ProducerId);
        writer.String(command.Type);
        writer.String(command.Actor);
        writer.String(command.Source);
        writer.String(command.IdempotencyKey);
        writer.Bytes(command.Payload);
        writer.Bytes(command.Metadata);
        writer.Bytes(command.Refs);
        return Seal(destination, writer.Written);
    }

    public const int SessionArchivedSize = Preamble + (3 * sizeof(long));

    public static int Write(SessionArchivedRecord archived, Span<byte> destination)
    {
        var writer = Begin(destination, RecordKind.SessionArchived);
        writer.Int64(archived.SessionNumber);
        writer.Int64(archived.ArchivedSeq);
        writer.Int64(archived.ArchivedBytes);
        return Seal(destination, writer.Written);
    }

    public static SessionArchivedRecord ReadSessionArchived(ReadOnlySpan<byte> record)
    {
        var reader = Start(record, RecordKind.SessionArchived);
        var archived = new SessionArchivedRecord(reader.Int64(), reader.Int64(), reader.Int64());
        End(ref reader);
        return archived;
    }

    /// <summary>The size of the record <see cref="Write(long, long, AppendCommand, Span{byte})"/> writes for this event;
    /// the same on every member and in every replay, which is why archive progress can count bytes with it.</summary>
    public static int SizeOf(SessionEvent e) =>
        Preamble + (4 * sizeof(long)) + RecordWriter.SizeOf(e.ProducerId) + RecordWriter.SizeOf(e.Type) + RecordWriter.SizeOf(e.Actor)
        + RecordWriter.SizeOf(e.Source) + RecordWriter.SizeOf(e.IdempotencyKey)
        + (3 * LengthPrefix) + e.Payload.Length + e.Metadata.Length + e.Refs.Length;

    /// <exception cref="CorruptRecordException">Unknown version or kind, or a checksum mismatch.</exception>
    public static RecordKind ReadKind(ReadOnlySpan<byte> record)
    {
        if (record.Length < Preamble)
        {
            throw new CorruptRecordException($"A record of {record.Length} bytes is too short.");
        }

        if (record[0] != FormatVersion)
        {
            throw new CorruptRecordException($"Unknown record format version {record[0]}.");
        }

        var kind = (RecordKind)record[1];
        if (kind is not (RecordKind.SessionCreated or RecordKind.EventAppended or RecordKind.SessionArchived))
        {
            throw new CorruptRecordException($"Unknown record kind {record[1]}.");
        }

        if (Checksum(record) != BinaryPrimitives.ReadUInt32LittleEndian(record[2..]))
        {
            throw new CorruptRecordException($"Record checksum mismatch ({kind}, {record.Length} bytes).");
        }

        return kind;
    }

    public static SessionHeader ReadSessionCreated(ReadOnlySpan<byte> record)
    {
        var reader = Start(record, RecordKind.SessionCreated);
        var number = reader.Int64();
        var createdAt = reader.Int64();
        var id = reader.RequiredString();
        var title = reader.String();
        var metadata = reader.Bytes();
        var principal = reader.OptionalPrincipal();

        End(ref reader);
        return new SessionHeader(number, id, title, metadata, principal, createdAt);
    }

    /// <summary>
    /// The session number of an EventAppended record, or -1 for any other record; no checksum check, so a scan can skip
    /// other sessions' records cheaply. Decode a match with <see cref="ReadEvent"/>, which checks it.
    /// </summary>
    public static long PeekEventSession(ReadOnlySpan<byte> record) =>
        record.Length >= Preamble + sizeof(long) && record[0] == FormatVersion && record[1] == (byte)RecordKind.EventAppended
            ? BinaryPrimitives.ReadInt64LittleEndian(record[Preamble..])
            : -1;

    /// <summary>Reads only what recovery and the index need, without copying the JSON fields.</summary>
    public static EventRecordHeader ReadEventHeader(ReadOnlySpan<byte> record)
    {
        var reader = Start(record, RecordKind.EventAppended);
        return new EventRecordHeader(reader.Int64(), reader.Int64(), reader.Int64(), reader.Int64(), reader.RequiredString());
    }

    /// <summary>Decodes an event of session <paramref name="sessionNumber"/>; a record of any other session is corrupt.</summary>
    public static SessionEvent ReadEvent(ReadOnlySpan<byte> record, long sessionNumber, string sessionId)
    {
        var reader = Start(record, RecordKind.EventAppended);
        var storedSession = reader.Int64();
        if (storedSession != sessionNumber)
        {
            throw new CorruptRecordException($"Expected an event of session number {sessionNumber}, found one of {storedSession}.");
        }

        var seq = reader.Int64();
        var producerSeq = reader.Int64();
        var insertedAt = reader.Int64();
        var producerId = reader.RequiredString();
        var type = reader.RequiredString();
        var actor = reader.RequiredString();
        var source = reader.String();
        var idempotencyKey = reader.String();
        var payload = reader.Bytes();
        var metadata = reader.Bytes();
        var refs = reader.Bytes();
        End(ref reader);
        return new SessionEvent(sessionId, seq, type, payload, actor, producerId, producerSeq, source, metadata, refs,
            idempotencyKey, UnixMicros.ToDateTimeOffset(insertedAt));
    }

    private static RecordReader Start(ReadOnlySpan<byte> record, RecordKind expected)
    {
        var kind = ReadKind(record);
        if (kind != expected)
        {
            throw new CorruptRecordException($"Expected a {expected} record, found {kind}.");
        }

        return new RecordReader(record[Preamble..]);
    }

    private static RecordWriter Begin(Span<byte> destination, RecordKind kind)
    {
        destination[0] = FormatVersion;
        destination[1] = (byte)kind;
        return new RecordWriter(destination[Preamble..]);
    }

    private static int Seal(Span<byte> destination, int bodyLength)
    {
        var length = Preamble + bodyLength;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[2..], Checksum(destination[..length]));
        return length;
    }

    /// <summary>CRC-32 of the version and kind bytes and the body, skipping the checksum field itself.</summary>
    private static uint Checksum(ReadOnlySpan<byte> record)
    {
        var crc = _threadCrc ??= new Crc32();
        crc.Reset();
        crc.Append(record[..2]);
        crc.Append(record[Preamble..]);
        return crc.GetCurrentHashAsUInt32();
    }

    private static void End(ref RecordReader reader)
    {
        if (!reader.AtEnd)
        {
            throw new CorruptRecordException("The record has trailing bytes.");
        }
    }
}
