using System.Text;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>Field-by-field, byte-exact comparisons (records compare <see cref="ReadOnlyMemory{T}"/> by reference).</summary>
public static class ArchiveAssert
{
    public static void SameEvent(SessionEvent expected, SessionEvent actual)
    {
        var at = $"event {expected.Seq}";
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.Type, actual.Type);
        Bytes(expected.Payload, actual.Payload, at + " payload");
        Assert.Equal(expected.Actor, actual.Actor);
        Assert.Equal(expected.ProducerId, actual.ProducerId);
        Assert.Equal(expected.ProducerSeq, actual.ProducerSeq);
        Assert.Equal(expected.Source, actual.Source);
        Bytes(expected.Metadata, actual.Metadata, at + " metadata");
        Bytes(expected.Refs, actual.Refs, at + " refs");
        Assert.Equal(expected.IdempotencyKey, actual.IdempotencyKey);
        Assert.Equal(expected.InsertedAt.UtcTicks, actual.InsertedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, actual.InsertedAt.Offset);
    }

    public static void SameEvents(IReadOnlyList<SessionEvent> expected, IReadOnlyList<SessionEvent> actual)
    {
        Assert.Equal(expected.Select(e => e.Seq), actual.Select(e => e.Seq));
        for (var i = 0; i < expected.Count; i++)
        {
            SameEvent(expected[i], actual[i]);
        }
    }

    public static void SameSession(SessionInfo expected, SessionInfo? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Title, actual.Title);
        Bytes(expected.Metadata, actual.Metadata, $"session {expected.Id} metadata");
        Assert.Equal(expected.CreatorPrincipal, actual.CreatorPrincipal);
        Assert.Equal(expected.LastSeq, actual.LastSeq);
        Assert.Equal(expected.ArchivedSeq, actual.ArchivedSeq);
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        Assert.Equal(expected.UpdatedAt.UtcTicks, actual.UpdatedAt.UtcTicks);
    }

    private static void Bytes(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual, string what)
    {
        if (!expected.Span.SequenceEqual(actual.Span))
        {
            Assert.Fail($"{what} differs: expected {Encoding.UTF8.GetString(expected.Span)}, got {Encoding.UTF8.GetString(actual.Span)}");
        }
    }
}
