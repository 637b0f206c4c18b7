using System.Text.Json;
using Starcite.Server.Errors;
using Starcite.Sessions;

namespace Starcite.Server.Contracts;

/// <summary>The append request body of contract §3. Unknown fields are ignored.</summary>
internal static class AppendBody
{
    /// <param name="body">The request body.</param>
    /// <param name="utf8">The UTF-8 text <paramref name="body"/> was parsed from: the JSON fields of the request are slices
    /// of it, so it must stay unchanged until the engine has taken the request.</param>
    /// <param name="principalActor">With a principal token, its actor (<c>type:id</c>): <c>actor</c> then defaults to
    /// it, and any other value is 403 <c>forbidden</c> (an actor cannot be spoofed). Null otherwise.</param>
    public static (AppendRequest? Request, ApiError? Error) Parse(JsonElement body, ReadOnlyMemory<byte> utf8, string? principalActor = null)
    {
        const string code = "invalid_event";
        if (!JsonFields.TryString(body, "type", out var type, out var error)
            || !JsonFields.TryString(body, "actor", out var actor, out error)
            || !JsonFields.TryString(body, "producer_id", out var producerId, out error)
            || !JsonFields.TryString(body, "source", out var source, out error)
            || !JsonFields.TryString(body, "idempotency_key", out var idempotencyKey, out error)
            || !JsonFields.TryInteger(body, "producer_seq", 1, out var producerSeq, out error)
            || !JsonFields.TryInteger(body, "expected_seq", 0, out var expectedSeq, out error)
            || !JsonFields.TryObject(body, "payload", utf8, out var payload, out error))
        {
            return (null, new ApiError(StatusCodes.Status400BadRequest, code, error!));
        }

        if (!JsonFields.TryObject(body, "metadata", utf8, out var metadata, out error))
        {
            return (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_metadata", error!));
        }

        if (!JsonFields.TryObject(body, "refs", utf8, out var refs, out error))
        {
            return (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_refs", error!));
        }

        if (principalActor is not null)
        {
            if (actor is not null && actor != principalActor)
            {
                return (null, new ApiError(StatusCodes.Status403Forbidden, "forbidden", $"actor must be {principalActor} (the token's principal) or be left out"));
            }

            actor = principalActor;
        }

        var missing = type is null ? "type" : payload is null ? "payload" : actor is null ? "actor" : producerId is null ? "producer_id" : producerSeq is null ? "producer_seq" : null;
        if (missing is not null)
        {
            return (null, new ApiError(StatusCodes.Status400BadRequest, code, $"{missing} is required"));
        }

        return (new AppendRequest
        {
            Type = type!,
            Payload = payload!.Value,
            Actor = actor!,
            ProducerId = producerId!,
            ProducerSeq = producerSeq!.Value,
            ExpectedSeq = expectedSeq,
            Source = source,
            Metadata = metadata,
            Refs = refs,
            IdempotencyKey = idempotencyKey,
        }, null);
    }
}
