using Starcite.Sessions;

namespace Starcite.Archive.PostgreSql.Internal;

/// <summary>One slice of a write's events as column arrays: the array parameters of an <c>unnest</c> insert.</summary>
internal sealed class EventRows
{
    /// <summary>Bits of the <c>escaped</c> column: which text columns hold a JSON string literal (see <see cref="TextEscaping"/>).</summary>
    public const short TypeBit = 1, ActorBit = 2, ProducerIdBit = 4, SourceBit = 8, IdempotencyKeyBit = 16;

    public EventRows(int count)
    {
        SessionId = new string[count];
        Seq = new long[count];
        Type = new string[count];
        Payload = new ReadOnlyMemory<byte>[count];
        Actor = new string[count];
        ProducerId = new string[count];
        ProducerSeq = new long[count];
        Source = new string?[count];
        Metadata = new ReadOnlyMemory<byte>[count];
        Refs = new ReadOnlyMemory<byte>[count];
        IdempotencyKey = new string?[count];
        InsertedAt = new DateTime[count];
        Escaped = new short?[count];
    }

    public string[] SessionId { get; }

    public long[] Seq { get; }

    public string[] Type { get; }

    public ReadOnlyMemory<byte>[] Payload { get; }

    public string[] Actor { get; }

    public string[] ProducerId { get; }

    public long[] ProducerSeq { get; }

    public string?[] Source { get; }

    public ReadOnlyMemory<byte>[] Metadata { get; }

    public ReadOnlyMemory<byte>[] Refs { get; }

    public string?[] IdempotencyKey { get; }

    public DateTime[] InsertedAt { get; }

    public short?[] Escaped { get; }

    public void Set(int row, SessionEvent e)
    {
        short escaped = 0;
        SessionId[row] = e.SessionId;
        Seq[row] = e.Seq;
        Type[row] = TextEscaping.Encode(e.Type, TypeBit, ref escaped)!;
        Payload[row] = e.Payload;
        Actor[row] = TextEscaping.Encode(e.Actor, ActorBit, ref escaped)!;
        ProducerId[row] = TextEscaping.Encode(e.ProducerId, ProducerIdBit, ref escaped)!;
        ProducerSeq[row] = e.ProducerSeq;
        Source[row] = TextEscaping.Encode(e.Source, SourceBit, ref escaped);
        Metadata[row] = e.Metadata;
        Refs[row] = e.Refs;
        IdempotencyKey[row] = TextEscaping.Encode(e.IdempotencyKey, IdempotencyKeyBit, ref escaped);
        InsertedAt[row] = ArchiveArguments.ToMicroseconds(e.InsertedAt).UtcDateTime;
        Escaped[row] = escaped == 0 ? null : escaped;
    }

    public IEnumerable<object> Columns() =>
        [SessionId, Seq, Type, Payload, Actor, ProducerId, ProducerSeq, Source, Metadata, Refs, IdempotencyKey, InsertedAt, Escaped];
}
