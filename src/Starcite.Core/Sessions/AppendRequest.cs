namespace Starcite.Sessions;

/// <summary>An event to append to a session (contract §3).</summary>
/// <remarks>
/// JSON fields are UTF-8 JSON text; <c>JsonSerializer.SerializeToUtf8Bytes(value)</c> is the usual way to make them.
/// The engine validates every field and stores JSON in compact form.
/// </remarks>
public sealed class AppendRequest
{
    /// <summary>Required: non-empty, at most 256 characters.</summary>
    public required string Type { get; init; }

    /// <summary>Required: a JSON object.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Required: non-empty, at most 256 characters.</summary>
    public required string Actor { get; init; }

    /// <summary>Required: non-empty, at most 256 characters. Together with <see cref="ProducerSeq"/> it makes retries idempotent.</summary>
    public required string ProducerId { get; init; }

    /// <summary>Required: 1 .. 2^63-1. A producer's first value may be any of these; each later one must be the previous + 1.</summary>
    public required long ProducerSeq { get; init; }

    /// <summary>Optional optimistic-concurrency check: the session's <c>last_seq</c> must equal this (0 = empty session).</summary>
    public long? ExpectedSeq { get; init; }

    /// <summary>Optional: non-empty, at most 256 characters.</summary>
    public string? Source { get; init; }

    /// <summary>Optional JSON object; absent, empty or JSON <c>null</c> is stored as <c>{}</c>.</summary>
    public ReadOnlyMemory<byte>? Metadata { get; init; }

    /// <summary>Optional JSON object; absent, empty or JSON <c>null</c> is stored as <c>{}</c>.</summary>
    public ReadOnlyMemory<byte>? Refs { get; init; }

    /// <summary>Optional: non-empty, at most 256 characters; stored and echoed.</summary>
    public string? IdempotencyKey { get; init; }
}
