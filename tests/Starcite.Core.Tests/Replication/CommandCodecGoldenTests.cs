using System.Buffers;
using Starcite.Replication.Raft;
using Starcite.Sessions;
using Starcite.Storage.Codec;

namespace Starcite.Tests.Replication;

/// <summary>
/// The Raft entry payload is persisted in every member's WAL and replayed by later releases: frozen here, and these
/// tests may only grow. The hex was computed from the layout documented on <see cref="CommandCodec"/>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CommandCodecGoldenTests
{
    // version 1, count 3;
    // create: kind 1, id "ses_a", title "T", metadata {}, principal flag 0, created_at 5;
    // append: kind 2, session "ses_a", producer_seq 8, expected flag 1, expected 3, inserted_at 9, "p", "t", "a", source null, key "k", {"x":1}, {}, {};
    // archive progress: kind 3, session "ses_a", archived seq 40, bytes 1234; then the CRC-32 of everything before it.
    private const string BatchHex =
        "01" + "03000000"
        + "01" + "05000000" + "7365735f61" + "01000000" + "54" + "02000000" + "7b7d" + "00" + "0500000000000000"
        + "02" + "05000000" + "7365735f61" + "0800000000000000" + "01" + "0300000000000000" + "0900000000000000"
        + "01000000" + "70" + "01000000" + "74" + "01000000" + "61" + "ffffffff" + "01000000" + "6b"
        + "07000000" + "7b2278223a317d" + "02000000" + "7b7d" + "02000000" + "7b7d"
        + "03" + "05000000" + "7365735f61" + "2800000000000000" + "d204000000000000"
        + "a429737d";

    private static readonly WriteCommand[] Batch =
    [
        new CreateSessionWrite("ses_a", "T", "{}"u8.ToArray(), null, 5),
        new AppendWrite("ses_a", new AppendCommand("t", """{"x":1}"""u8.ToArray(), "a", "p", 8, 3, null, "{}"u8.ToArray(), "{}"u8.ToArray(), "k", 9)),
        new ArchiveProgressWrite("ses_a", 40, 1234),
    ];

    [Fact]
    public void Encode_GoldenBatch_ProducesFrozenBytes() =>
        Assert.Equal(BatchHex, Convert.ToHexString(CommandCodec.Encode(Batch)).ToLowerInvariant());

    [Fact]
    public void Decode_FrozenBytes_RoundTripsEveryField()
    {
        var decoded = CommandCodec.Decode(new ReadOnlySequence<byte>(Convert.FromHexString(BatchHex)));

        Assert.Equal(3, decoded.Count);
        var create = Assert.IsType<CreateSessionWrite>(decoded[0]);
        Assert.Equal(("ses_a", "T", (Principal?)null, 5L), (create.Id, create.Title, create.CreatorPrincipal, create.CreatedAtMicros));
        Assert.Equal("{}"u8.ToArray(), create.Metadata);
        var append = Assert.IsType<AppendWrite>(decoded[1]);
        var expected = ((AppendWrite)Batch[1]).Command;
        Assert.Equal((expected.Type, expected.Actor, expected.ProducerId, expected.ProducerSeq, expected.ExpectedSeq, expected.Source, expected.IdempotencyKey, expected.InsertedAtMicros),
            (append.Command.Type, append.Command.Actor, append.Command.ProducerId, append.Command.ProducerSeq, append.Command.ExpectedSeq, append.Command.Source, append.Command.IdempotencyKey, append.Command.InsertedAtMicros));
        Assert.Equal(expected.Payload, append.Command.Payload);
        Assert.Equal(Batch[2], decoded[2]);
    }

    [Theory]
    [InlineData(0, 0x02)] // unknown version
    [InlineData(5, 0x09)] // unknown command kind
    [InlineData(30, 0xff)] // a changed byte: checksum mismatch
    public void Decode_DamagedBatch_ThrowsCorruptRecord(int offset, byte value)
    {
        var bytes = Convert.FromHexString(BatchHex);
        bytes[offset] = value;

        Assert.Throws<CorruptRecordException>(() => CommandCodec.Decode(new ReadOnlySequence<byte>(bytes)));
    }
}
