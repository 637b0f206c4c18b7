namespace Starcite.Sessions;

/// <summary>One page of a session's history.</summary>
/// <param name="Events">Events with seq greater than the cursor, in order.</param>
/// <param name="NextCursor">The seq of the last event returned, or the request's cursor when none was.</param>
/// <param name="LastSeq">The session's durable <c>last_seq</c> when the page was read.</param>
public sealed record EventPage(IReadOnlyList<SessionEvent> Events, long NextCursor, long LastSeq);
