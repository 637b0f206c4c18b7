namespace Starcite.Sessions;

/// <summary>
/// A validated append, with JSON in compact form and the acceptance time fixed. It is what gets decided and, once
/// accepted, what gets logged: nothing in it is re-read from a clock or re-derived later.
/// </summary>
internal sealed record AppendCommand(
    string Type,
    byte[] Payload,
    string Actor,
    string ProducerId,
    long ProducerSeq,
    long? ExpectedSeq,
    string? Source,
    byte[] Metadata,
    byte[] Refs,
    string? IdempotencyKey,
    long InsertedAtMicros)
{
    /// <summary>Validates <paramref name="request"/> against contract §3.</summary>
    /// <exception cref="InvalidRequestException">A field breaks a rule; the message names it.</exception>
    public static AppendCommand From(AppendRequest request, long insertedAtMicros, int maxEventBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        const string code = "invalid_event";
        var type = TextRules.Required(request.Type, "type", code);
        var actor = TextRules.Required(request.Actor, "actor", code);
        var producerId = TextRules.Required(request.ProducerId, "producer_id", code);
        var source = TextRules.Optional(request.Source, "source", code);
        var idempotencyKey = TextRules.Optional(request.IdempotencyKey, "idempotency_key", code);
        if (request.ProducerSeq < 1)
        {
            throw new InvalidRequestException(code, "producer_seq", "producer_seq must be an integer from 1 to 9223372036854775807");
        }

        if (request.ExpectedSeq is < 0)
        {
            throw new InvalidRequestException(code, "expected_seq", "expected_seq must be an integer from 0 to 9223372036854775807");
        }

        var payload = Internal.JsonObjects.Normalize(request.Payload.Span, "payload", code, allowNull: false);
        var metadata = NormalizeOptional(request.Metadata, "metadata", "invalid_metadata");
        var refs = NormalizeOptional(request.Refs, "refs", "invalid_refs");
        var command = new AppendCommand(type, payload, actor, producerId, request.ProducerSeq, request.ExpectedSeq,
            source, metadata, refs, idempotencyKey, insertedAtMicros);
        var size = command.ApproximateSize;
        if (size > maxEventBytes)
        {
            throw new InvalidRequestException("payload_too_large", "payload", $"The event is {size} bytes; the limit is {maxEventBytes}");
        }

        return command;
    }

    /// <summary>An upper bound of the encoded size, in bytes.</summary>
    public int ApproximateSize =>
        Payload.Length + Metadata.Length + Refs.Length
        + 3 * (Type.Length + Actor.Length + ProducerId.Length + (Source?.Length ?? 0) + (IdempotencyKey?.Length ?? 0))
        + 64;

    /// <summary>True when <paramref name="accepted"/> carries the same content (contract §3.2: canonical form).</summary>
    public bool HasSameContentAs(SessionEvent accepted) =>
        Type == accepted.Type
        && Actor == accepted.Actor
        && Source == accepted.Source
        && IdempotencyKey == accepted.IdempotencyKey
        && Internal.JsonCanonical.Equal(Payload, accepted.Payload)
        && Internal.JsonCanonical.Equal(Metadata, accepted.Metadata)
        && Internal.JsonCanonical.Equal(Refs, accepted.Refs);

    // Empty memory counts as absent: `Metadata = condition ? bytes : null` converts the null through byte[] into an
    // empty ReadOnlyMemory, which is never what the caller meant.
    private static byte[] NormalizeOptional(ReadOnlyMemory<byte>? json, string field, string code) =>
        json is { IsEmpty: false } value ? Internal.JsonObjects.Normalize(value.Span, field, code, allowNull: true) : Internal.JsonObjects.Empty;
}
