using Starcite.Sessions;

namespace Starcite.Tests.TestSupport;

/// <summary>Append requests with every field set, so a test can vary exactly one.</summary>
public static class Requests
{
    public const string Payload = """{"text":"hi","n":1}""";
    public const string Metadata = """{"trace":"t-1"}""";
    public const string Refs = """{"reply_to":3}""";

    public static AppendRequest Full(
        string producer = "p1",
        long producerSeq = 1,
        string type = "content",
        string payload = Payload,
        string actor = "agent:drafter",
        string? source = "agent",
        string? metadata = Metadata,
        string? refs = Refs,
        string? idempotencyKey = "key-1",
        long? expectedSeq = null) => new()
        {
            Type = type,
            Payload = Engines.Utf8(payload),
            Actor = actor,
            ProducerId = producer,
            ProducerSeq = producerSeq,
            ExpectedSeq = expectedSeq,
            Source = source,
            Metadata = Optional(metadata),
            Refs = Optional(refs),
            IdempotencyKey = idempotencyKey,
        };

    // Not a conditional expression: its null would convert to an empty (present) ReadOnlyMemory through byte[].
    private static ReadOnlyMemory<byte>? Optional(string? json)
    {
        if (json is null)
        {
            return null;
        }

        return Engines.Utf8(json);
    }
}
