using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Starcite.Sessions;
using Starcite.Storage.Codec;

namespace Starcite.Replication.Raft;

/// <summary>
/// The payload of one Raft entry: a batch of <see cref="WriteCommand"/>s the leader packed together. Format version,
/// count, the commands, then a CRC-32 of everything before it; integers little-endian, strings and bytes
/// length-prefixed as in the record format (<see cref="RecordCodec"/>). Golden-byte tests freeze this layout: change
/// it only by adding a version, because a WAL written by one release is replayed by the next.
/// </summary>
/// <remarks>
/// Create: kind 1, id, title, metadata, principal flag [tenant_id, id, type], created_at.<br/>
/// Append: kind 2, session id, producer_seq, expected_seq flag [expected_seq], inserted_at, producer_id, type, actor,
/// source, idempotency_key, payload, metadata, refs.<br/>
/// Archive progress: kind 3, session id, archived seq, archived bytes.
/// </remarks>
internal static class CommandCodec
{
    public const byte FormatVersion = 1;

    private const byte CreateKind = 1;
    private const byte AppendKind = 2;
    private const byte ArchiveProgressKind = 3;
    private const int LengthPrefix = RecordWriter.LengthPrefix;

    public static byte[] Encode(IReadOnlyList<WriteCommand> commands)
    {
        var size = 1 + sizeof(int) + commands.Sum(SizeOf) + sizeof(uint);
        var bytes = new byte[size];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), commands.Count);
        var writer = new RecordWriter(bytes.AsSpan(1 + sizeof(int), size - 1 - sizeof(int) - sizeof(uint)));
        foreach (var command in commands)
        {
            Write(ref writer, command);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(size - sizeof(uint)), Crc32.HashToUInt32(bytes.AsSpan(0, size - sizeof(uint))));
        return bytes;
    }

    /// <exception cref="CorruptRecordException">Unknown version or kind, a checksum mismatch, or malformed fields.</exception>
    public static List<WriteCommand> Decode(ReadOnlySequence<byte> payload)
    {
        var bytes = payload.IsSingleSegment ? payload.First.Span : payload.ToArray();
        if (bytes.Length < 1 + sizeof(int) + sizeof(uint))
        {
            throw new CorruptRecordException($"A command batch of {bytes.Length} bytes is too short.");
        }

        if (bytes[0] != FormatVersion)
        {
            throw new CorruptRecordException($"Unknown command batch format version {bytes[0]}.");
        }

        var body = bytes[..^sizeof(uint)];
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^sizeof(uint)..]))
        {
            throw new CorruptRecordException("Command batch checksum mismatch.");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(body[1..]);
        var reader = new RecordReader(body[(1 + sizeof(int))..]);
        var commands = new List<WriteCommand>(Math.Clamp(count, 0, 1024));
        for (var i = 0; i < count; i++)
        {
            commands.Add(Read(ref reader));
        }

        if (!reader.AtEnd)
        {
            throw new CorruptRecordException("The command batch has trailing bytes.");
        }

        return commands;
    }

    private static int SizeOf(WriteCommand command) => command switch
    {
        CreateSessionWrite c => 1 + RecordWriter.SizeOf(c.Id) + RecordWriter.SizeOf(c.Title) + LengthPrefix + c.Metadata.Length
            + RecordWriter.SizeOf(c.CreatorPrincipal) + sizeof(long),
        AppendWrite a => 1 + RecordWriter.SizeOf(a.SessionId) + (3 * sizeof(long)) + 1 + RecordWriter.SizeOf(a.Command.ProducerId)
            + RecordWriter.SizeOf(a.Command.Type) + RecordWriter.SizeOf(a.Command.Actor) + RecordWriter.SizeOf(a.Command.Source) + RecordWriter.SizeOf(a.Command.IdempotencyKey)
            + (3 * LengthPrefix) + a.Command.Payload.Length + a.Command.Metadata.Length + a.Command.Refs.Length,
        ArchiveProgressWrite p => 1 + RecordWriter.SizeOf(p.SessionId) + (2 * sizeof(long)),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
    };

    private static void Write(ref RecordWriter writer, WriteCommand command)
    {
        switch (command)
        {
            case CreateSessionWrite c:
                writer.Byte(CreateKind);
                writer.String(c.Id);
                writer.String(c.Title);
                writer.Bytes(c.Metadata);
                writer.OptionalPrincipal(c.CreatorPrincipal);

                writer.Int64(c.CreatedAtMicros);
                break;
            case AppendWrite { Command: var a } write:
                writer.Byte(AppendKind);
                writer.String(write.SessionId);
                writer.Int64(a.ProducerSeq);
                writer.Byte(a.ExpectedSeq is null ? (byte)0 : (byte)1);
                writer.Int64(a.ExpectedSeq ?? 0);
                writer.Int64(a.InsertedAtMicros);
                writer.String(a.ProducerId);
                writer.String(a.Type);
                writer.String(a.Actor);
                writer.String(a.Source);
                writer.String(a.IdempotencyKey);
                writer.Bytes(a.Payload);
                writer.Bytes(a.Metadata);
                writer.Bytes(a.Refs);
                break;
            case ArchiveProgressWrite p:
                writer.Byte(ArchiveProgressKind);
                writer.String(p.SessionId);
                writer.Int64(p.ArchivedSeq);
                writer.Int64(p.ArchivedBytes);
                break;
        }
    }

    private static WriteCommand Read(ref RecordReader reader)
    {
        switch (reader.Byte())
        {
            case CreateKind:
                var id = reader.RequiredString();
                var title = reader.String();
                var metadata = reader.Bytes();
                var principal = reader.OptionalPrincipal();
                return new CreateSessionWrite(id, title, metadata, principal, reader.Int64());
            case AppendKind:
                var sessionId = reader.RequiredString();
                var producerSeq = reader.Int64();
                var hasExpected = reader.Byte();
                var expected = reader.Int64();
                var insertedAt = reader.Int64();
                var producerId = reader.RequiredString();
                var type = reader.RequiredString();
                var actor = reader.RequiredString();
                var source = reader.String();
                var idempotencyKey = reader.String();
                return new AppendWrite(sessionId, new AppendCommand(type, reader.Bytes(), actor, producerId, producerSeq,
                    hasExpected == 1 ? expected : null, source, reader.Bytes(), reader.Bytes(), idempotencyKey, insertedAt));
            case ArchiveProgressKind:
                return new ArchiveProgressWrite(reader.RequiredString(), reader.Int64(), reader.Int64());
            case var kind:
                throw new CorruptRecordException($"Unknown command kind {kind}.");
        }
    }
}
