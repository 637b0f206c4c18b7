namespace Starcite;

/// <summary>A request broke a rule of the contract; nothing was changed.</summary>
/// <remarks>
/// <see cref="StarciteException.Code"/> is one of <c>invalid_event</c>, <c>invalid_metadata</c>, <c>invalid_refs</c>,
/// <c>invalid_session_id</c>, <c>invalid_cursor</c>, <c>invalid_limit</c> or <c>payload_too_large</c>, and the message
/// names the field.
/// </remarks>
public sealed class InvalidRequestException : StarciteException
{
    /// <summary>Creates the exception.</summary>
    public InvalidRequestException(string code, string field, string message)
        : base(code, message)
    {
        Field = field;
    }

    /// <summary>The offending field, in the wire's snake_case.</summary>
    public string Field { get; }
}
