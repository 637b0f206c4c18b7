using Starcite.Server.Contracts;
using Starcite.Sessions;

namespace Starcite.Server.Errors;

/// <summary>An error response of contract §6: a status and <c>{"error": code, "message": text}</c>, with a
/// <c>Retry-After</c> header when retrying later is the remedy (503 <c>unavailable</c>, 429 <c>event_store_backpressure</c>).</summary>
internal sealed record ApiError(int Status, string Code, string Message, int? RetryAfterSeconds = null)
{
    /// <summary>How long a client should wait before retrying an unavailable cluster: about one election.</summary>
    public const int UnavailableRetryAfterSeconds = 1;

    /// <summary>How long a client should wait before retrying an append refused for capacity: about one archive flush
    /// (1 s by default), after which the archiver has usually made room.</summary>
    public const int BackpressureRetryAfterSeconds = 1;

    /// <summary>What a request whose client vanished mid-request is recorded as (nginx's 499); the client never sees it.</summary>
    public static readonly ApiError ClientClosedRequest =
        new(StatusCodes.Status499ClientClosedRequest, "client_closed_request", "The client closed the connection before the request was read");

    public static ApiError Unavailable(string message) =>
        new(StatusCodes.Status503ServiceUnavailable, "unavailable", message, UnavailableRetryAfterSeconds);

    public static ApiError InvalidJson(string message) => new(StatusCodes.Status400BadRequest, "invalid_json", message);

    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, "not_found", message);

    public static ApiError PayloadTooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The request body is larger than {limit} bytes");

    /// <summary>Kestrel's verdict on malformed HTTP (framing, limits): its status, as the contract's code for it.</summary>
    public static ApiError From(BadHttpRequestException exception) => new(exception.StatusCode,
        exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "payload_too_large" : "invalid_json", exception.Message);

    /// <summary>Maps an engine exception to its contract status and code: all of them in one place.</summary>
    public static ApiError From(StarciteException exception) => exception switch
    {
        InvalidRequestException { Code: "payload_too_large" } e => new(StatusCodes.Status413PayloadTooLarge, e.Code, e.Message),
        InvalidRequestException e => new(StatusCodes.Status400BadRequest, e.Code, e.Message),
        SessionNotFoundException e => new(StatusCodes.Status404NotFound, e.Code, e.Message),
        EngineClosedException or UnavailableException or NotLeaderException => Unavailable(exception.Message),
        _ => new(StatusCodes.Status500InternalServerError, "internal_error", "The server failed to handle the request"),
    };

    /// <summary>Maps a rejected append (an expected outcome of the engine) to its contract error.</summary>
    public static ApiError From(AppendResult result, string sessionId, string producerId, long producerSeq, long? expectedSeq) => result.Status switch
    {
        AppendStatus.SessionNotFound => new(StatusCodes.Status404NotFound, "session_not_found", $"Session {sessionId} was not found"),
        AppendStatus.ProducerReplayConflict => new(StatusCodes.Status409Conflict, "producer_replay_conflict",
            $"Producer {producerId} already appended seq {producerSeq} with different content"),
        AppendStatus.ProducerSeqConflict => new(StatusCodes.Status409Conflict, "producer_seq_conflict",
            $"Producer {producerId} expected seq {result.ExpectedProducerSeq}, got {producerSeq}"),
        AppendStatus.ExpectedSeqConflict => new(StatusCodes.Status409Conflict, "expected_seq_conflict",
            $"Expected seq {expectedSeq}, current seq is {result.LastSeq}"),
        AppendStatus.EventStoreBackpressure => new(StatusCodes.Status429TooManyRequests, "event_store_backpressure",
            "Un-archived data is over the event store's limit; retry once the archive has caught up", BackpressureRetryAfterSeconds),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Status, "Not an error outcome."),
    };

    public IResult ToResult() => JsonResult.Of(Status, new ErrorBody(Code, Message), WireJsonContext.Default.ErrorBody, RetryAfterSeconds);
}
