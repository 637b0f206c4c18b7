namespace Starcite;

/// <summary>A read or tail named a session that does not exist (code <c>session_not_found</c>).</summary>
public sealed class SessionNotFoundException : StarciteException
{
    /// <summary>Creates the exception.</summary>
    public SessionNotFoundException(string sessionId)
        : base("session_not_found", $"Session {sessionId} was not found")
    {
        SessionId = sessionId;
    }

    /// <summary>The missing session's id.</summary>
    public string SessionId { get; }
}
