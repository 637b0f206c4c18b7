using System.Buffers.Binary;
using System.Text;
using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Codec;

namespace Starcite.Tests.Storage;

/// <summary>
/// House style §16: the persisted record format and every persisted or public enum are frozen here. These tests may
/// only grow: a change to an existing literal means stored data no longer reads back, so add a format version instead.
/// The hex literals were computed from the layout documented on <see cref="RecordCodec"/>, not copied from its output.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RecordCodecGoldenTests
{
    private const long CreatedAt = 1771582272123456; // 2026-02-20T10:11:12.123456Z

    // version 1, kind 1, CRC-32 of all other bytes, number 7, created_at, id "ses_golden", title "Draft ✓" (UTF-8), metadata, principal flag 1,
    // tenant "acme", id "user-42", type 1 (agent)
    private const string SessionCreatedHex =
        "0101" + "c6fcfeaf" + "0700000000000000" + "403205a43e4b0600" + "0a000000" + "7365735f676f6c64656e" + "09000000" + "447261667420e29c93"
        + "14000000" + "7b2274656e616e745f6964223a2261636d65227d" + "01" + "04000000" + "61636d65" + "07000000" + "757365722d3432" + "01";

    // version 1, kind 1, CRC-32, number 1, created_at 0, id "a", title null (-1), metadata {}, principal flag 0
    private const string MinimalSessionCreatedHex =
        "0101" + "83c6967e" + "0100000000000000" + "0000000000000000" + "01000000" + "61" + "ffffffff" + "02000000" + "7b7d" + "00";

    // version 1, kind 2, CRC-32, session 7, seq 42, producer_seq 8, inserted_at, producer_id, type, actor, source,
    // idempotency_key, payload, metadata, refs
    private const string EventAppendedHex =
        "0102" + "a662d374" + "0700000000000000" + "2a00000000000000" + "0800000000000000" + "413205a43e4b0600"
        + "09000000" + "647261667465722d31" + "07000000" + "636f6e74656e74" + "0d000000" + "6167656e743a64726166746572"
        + "05000000" + "6167656e74" + "06000000" + "6964656d2d31" + "0d000000" + "7b2274657874223a226869227d"
        + "07000000" + "7b226b223a317d" + "02000000" + "7b7d";

    // version 1, kind 2, CRC-32, session 1, seq 1, producer_seq 1, inserted_at 0, "p", "t", "a", source null, key null, {}, {}, {}
    private const string MinimalEventAppendedHex =
        "0102" + "10bf0fd4" + "0100000000000000" + "0100000000000000" + "0100000000000000" + "0000000000000000"
        + "01000000" + "70" + "01000000" + "74" + "01000000" + "61" + "ffffffff" + "ffffffff"
        + "02000000" + "7b7d" + "02000000" + "7b7d" + "02000000" + "7b7d";

    // version 1, kind 3, CRC-32, session 7, archived seq 42, archived bytes 1000
    private const string SessionArchivedHex = "0103" + "997c55ce" + "0700000000000000" + "2a00000000000000" + "e803000000000000";

    private static readonly SessionHeader Session = new(
        7, "ses_golden", "Draft ✓", "{\"tenant_id\":\"acme\"}"u8.ToArray(), new Principal("acme", "user-42", PrincipalType.Agent), CreatedAt);

    private static readonly SessionHeader MinimalSession = new(1, "a", null, "{}"u8.ToArray(), null, 0);

    private static readonly AppendCommand Event = new(
        "content", "{\"text\":\"hi\"}"u8.ToArray(), "agent:drafter", "drafter-1", 8, ExpectedSeq: 3, "agent", "{\"k\":1}"u8.ToArray(), "{}"u8.ToArray(), "idem-1", CreatedAt + 1);

    private static readonly AppendCommand MinimalEvent = new("t", "{}"u8.ToArray(), "a", "p", 1, null, null, "{}"u8.ToArray(), "{}"u8.ToArray(), null, 0);

    public static TheoryData<string> RecordHexes() => [SessionCreatedHex, MinimalSessionCreatedHex, EventAppendedHex, MinimalEventAppendedHex];

    [Fact]
    public void FormatVersion_IsFrozen() => Assert.Equal(1, RecordCodec.FormatVersion);

    [Fact]
    public void WriteSessionCreated_GoldenHeader_ProducesFrozenBytes()
    {
        Assert.Equal(SessionCreatedHex, Hex(Write(Session)));
        Assert.Equal(MinimalSessionCreatedHex, Hex(Write(MinimalSession)));
    }

    [Fact]
    public void WriteEventAppended_GoldenEvent_ProducesFrozenBytes()
    {
        // expected_seq is a decision input, not part of the record.
        Assert.Equal(EventAppendedHex, Hex(Write(7, 42, Event)));
        Assert.Equal(MinimalEventAppendedHex, Hex(Write(1, 1, MinimalEvent)));
    }

    [Fact]
    public void ReadSessionCreated_FrozenBytes_RoundTrips()
    {
        foreach (var (hex, expected) in new[] { (SessionCreatedHex, Session), (MinimalSessionCreatedHex, MinimalSession) })
        {
            var bytes = Convert.FromHexString(hex);
            Assert.Equal(RecordKind.SessionCreated, RecordCodec.ReadKind(bytes));
            var header = RecordCodec.ReadSessionCreated(bytes);
            Assert.Equal(expected with { Metadata = header.Metadata }, header);
            Assert.Equal(expected.Metadata, header.Metadata);
            Assert.Equal(hex, Hex(Write(header)));
        }
    }

    [Fact]
    public void ReadEvent_FrozenBytes_RoundTrips()
    {
        var bytes = Convert.FromHexString(EventAppendedHex);
        Assert.Equal(RecordKind.EventAppended, RecordCodec.ReadKind(bytes));
        Assert.Equal(new EventRecordHeader(7, 42, 8, CreatedAt + 1, "drafter-1"), RecordCodec.ReadEventHeader(bytes));

        var stored = RecordCodec.ReadEvent(bytes, 7, "ses_golden");
        Assert.Equal(
            ("ses_golden", 42L, "content", "agent:drafter", "drafter-1", 8L, "agent", "idem-1", DateTimeOffset.Parse("2026-02-20T10:11:12.123457Z", System.Globalization.CultureInfo.InvariantCulture)),
            (stored.SessionId, stored.Seq, stored.Type, stored.Actor, stored.ProducerId, stored.ProducerSeq, stored.Source, stored.IdempotencyKey, stored.InsertedAt));
        Assert.Equal("{\"text\":\"hi\"}", Encoding.UTF8.GetString(stored.Payload.Span));
        Assert.Equal("{\"k\":1}", Encoding.UTF8.GetString(stored.Metadata.Span));
        Assert.Equal("{}", Encoding.UTF8.GetString(stored.Refs.Span));

        var minimal = RecordCodec.ReadEvent(Convert.FromHexString(MinimalEventAppendedHex), 1, "a");
        Assert.Equal((1L, "t", "a", "p", 1L, (string?)null, (string?)null, DateTimeOffset.UnixEpoch), (minimal.Seq, minimal.Type, minimal.Actor, minimal.ProducerId, minimal.ProducerSeq, minimal.Source, minimal.IdempotencyKey, minimal.InsertedAt));
    }

    [Fact]
    public void SizeOf_GoldenRecords_MatchesWrittenLength()
    {
        Assert.Equal(SessionCreatedHex.Length / 2, RecordCodec.SizeOf(Session));
        Assert.Equal(MinimalSessionCreatedHex.Length / 2, RecordCodec.SizeOf(MinimalSession));
        Assert.Equal(EventAppendedHex.Length / 2, RecordCodec.SizeOf(Event));
        Assert.Equal(MinimalEventAppendedHex.Length / 2, RecordCodec.SizeOf(MinimalEvent));
    }

    [Fact]
    public void SessionArchived_GoldenRecord_ProducesFrozenBytesAndRoundTrips()
    {
        var buffer = new byte[RecordCodec.SessionArchivedSize];
        var length = RecordCodec.Write(new SessionArchivedRecord(7, 42, 1000), buffer);

        Assert.Equal(SessionArchivedHex, Hex(buffer.AsSpan(0, length).ToArray()));
        Assert.Equal(RecordKind.SessionArchived, RecordCodec.ReadKind(Convert.FromHexString(SessionArchivedHex)));
        Assert.Equal(new SessionArchivedRecord(7, 42, 1000), RecordCodec.ReadSessionArchived(Convert.FromHexString(SessionArchivedHex)));
    }

    [Fact]
    public void SizeOfEvent_IsTheWrittenRecordsLength()
    {
        var stored = RecordCodec.ReadEvent(Convert.FromHexString(EventAppendedHex), 7, "ses_golden");

        Assert.Equal(EventAppendedHex.Length / 2, RecordCodec.SizeOf(stored)); // archive progress counts bytes with it
    }

    [Fact]
    public void PersistedEnums_Values_AreFrozen()
    {
        AssertValues(new Dictionary<RecordKind, int> { [RecordKind.SessionCreated] = 1, [RecordKind.EventAppended] = 2, [RecordKind.SessionArchived] = 3 });
        AssertValues(new Dictionary<PrincipalType, int> { [PrincipalType.User] = 0, [PrincipalType.Agent] = 1 });
        AssertValues(new Dictionary<CommitMode, int> { [CommitMode.Latency] = 0, [CommitMode.Throughput] = 1 });
        AssertValues(new Dictionary<AppendStatus, int>
        {
            [AppendStatus.Appended] = 0,
            [AppendStatus.Duplicate] = 1,
            [AppendStatus.SessionNotFound] = 2,
            [AppendStatus.ProducerReplayConflict] = 3,
            [AppendStatus.ProducerSeqConflict] = 4,
            [AppendStatus.ExpectedSeqConflict] = 5,
            [AppendStatus.EventStoreBackpressure] = 6,
        });
    }

    [Theory]
    [MemberData(nameof(RecordHexes))]
    public void Read_EveryTruncation_ThrowsCorruptRecord(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            Assert.Throws<CorruptRecordException>(() => ReadFully(prefix));
        }
    }

    [Theory]
    [MemberData(nameof(RecordHexes))]
    public void Read_TrailingByte_ThrowsCorruptRecord(string hex) =>
        Assert.Throws<CorruptRecordException>(() => ReadFully([.. Convert.FromHexString(hex), 0]));

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Read_UnknownVersion_ThrowsCorruptRecord(byte version)
    {
        foreach (var hex in new[] { SessionCreatedHex, EventAppendedHex })
        {
            var bytes = Convert.FromHexString(hex);
            bytes[0] = version;
            Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadKind(bytes));
            Assert.Throws<CorruptRecordException>(() => ReadFully(bytes));
            Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEventHeader(bytes));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(255)]
    public void Read_UnknownKind_ThrowsCorruptRecord(byte kind)
    {
        var bytes = Convert.FromHexString(EventAppendedHex);
        bytes[1] = kind;
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadKind(bytes));
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEvent(bytes, 7, "s"));
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadSessionCreated(bytes));
    }

    [Fact]
    public void Read_OtherKind_ThrowsCorruptRecord()
    {
        var session = Convert.FromHexString(SessionCreatedHex);
        var appended = Convert.FromHexString(EventAppendedHex);
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEvent(session, 7, "s"));
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEventHeader(session));
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadSessionCreated(appended));
    }

    /// <summary>Offsets of the length prefixes in <see cref="EventAppendedHex"/>: producer_id .. refs.</summary>
    public static TheoryData<int, int> BadEventLengths()
    {
        var data = new TheoryData<int, int>();
        var offsets = LengthOffsets(Convert.FromHexString(EventAppendedHex), start: 38, count: 8);
        foreach (var offset in offsets)
        {
            foreach (var length in new[] { -2, int.MinValue, int.MaxValue, 1 << 20 })
            {
                data.Add(offset, length);
            }
        }

        // Required strings (producer_id, type, actor) and byte fields (payload, metadata, refs) may not be null.
        foreach (var index in new[] { 0, 1, 2, 5, 6, 7 })
        {
            data.Add(offsets[index], -1);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadEventLengths))]
    public void ReadEvent_BadLength_ThrowsCorruptRecord(int offset, int length)
    {
        var bytes = Convert.FromHexString(EventAppendedHex);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), length);
        Reseal(bytes); // so the length check, not the checksum, is what rejects it
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEvent(bytes, 7, "s"));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(1000)]
    public void ReadEventHeader_BadProducerIdLength_ThrowsCorruptRecord(int length)
    {
        var bytes = Convert.FromHexString(EventAppendedHex);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(38), length);
        Reseal(bytes);
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEventHeader(bytes));
    }

    [Fact]
    public void ReadEventHeader_ShorterThanHeader_ThrowsCorruptRecord()
    {
        var bytes = Convert.FromHexString(EventAppendedHex);
        var headerLength = 2 + (4 * sizeof(long)) + sizeof(int) + "drafter-1".Length;
        for (var length = 0; length < headerLength; length++)
        {
            var prefix = bytes[..length];
            Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEventHeader(prefix));
        }
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(1000)]
    public void ReadSessionCreated_BadIdOrMetadataLength_ThrowsCorruptRecord(int length)
    {
        // id (required string) at 22; metadata (bytes, never null) after id and title.
        var bytes = Convert.FromHexString(SessionCreatedHex);
        var metadataOffset = LengthOffsets(bytes, start: 22, count: 3)[2];
        foreach (var offset in new[] { 22, metadataOffset })
        {
            var corrupt = (byte[])bytes.Clone();
            BinaryPrimitives.WriteInt32LittleEndian(corrupt.AsSpan(offset), length);
            Reseal(corrupt);
            Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadSessionCreated(corrupt));
        }
    }

    private static object ReadFully(byte[] bytes) => RecordCodec.ReadKind(bytes) switch
    {
        RecordKind.SessionCreated => RecordCodec.ReadSessionCreated(bytes),
        _ => RecordCodec.ReadEvent(bytes, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(6)), "s"),
    };

    /// <summary>Walks <paramref name="count"/> consecutive length-prefixed fields from <paramref name="start"/>.</summary>
    private static int[] LengthOffsets(byte[] record, int start, int count)
    {
        var offsets = new int[count];
        var offset = start;
        for (var i = 0; i < count; i++)
        {
            offsets[i] = offset;
            offset += sizeof(int) + Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(offset)));
        }

        return offsets;
    }

    private static void AssertValues<TEnum>(Dictionary<TEnum, int> expected)
        where TEnum : struct, Enum
    {
        foreach (var (member, value) in expected)
        {
            Assert.Equal(value, Convert.ToInt32(member, System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(Enum.IsDefined(member));
        }

        // Values are never reused: the enum may grow, but every value belongs to one name.
        var values = Enum.GetValues<TEnum>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.Count, values.Distinct().Count());
    }

    private static byte[] Write(SessionHeader header)
    {
        var buffer = new byte[RecordCodec.SizeOf(header)];
        Assert.Equal(buffer.Length, RecordCodec.Write(header, buffer));
        return buffer;
    }

    private static byte[] Write(long sessionNumber, long seq, AppendCommand command)
    {
        var buffer = new byte[RecordCodec.SizeOf(command)];
        Assert.Equal(buffer.Length, RecordCodec.Write(sessionNumber, seq, command, buffer));
        return buffer;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Rewrites the CRC-32 (over version, kind and body) so a test reaches the checks behind it.</summary>
    private static void Reseal(byte[] record)
    {
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(record.AsSpan(0, 2));
        crc.Append(record.AsSpan(6));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(2), crc.GetCurrentHashAsUInt32());
    }

    [Fact]
    public void ReadEvent_RecordOfAnotherSession_ThrowsCorruptRecord()
    {
        // An index entry that points at another session's record (a stale entry after damage) must never be served.
        var bytes = Convert.FromHexString(EventAppendedHex);
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEvent(bytes, 8, "ses_other"));
    }

    [Fact]
    public void ReadEvent_AnyFlippedBit_ThrowsCorruptRecord()
    {
        var golden = Convert.FromHexString(EventAppendedHex);
        for (var bit = 0; bit < golden.Length * 8; bit++)
        {
            var bytes = (byte[])golden.Clone();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadEvent(bytes, 7, "s"));
        }
    }
}
