namespace Starcite.Sessions;

/// <summary>One page of sessions, ordered by id (ordinal).</summary>
/// <param name="Sessions">The sessions on this page.</param>
/// <param name="NextCursor">The cursor of the next page; null exactly when no more sessions match.</param>
public sealed record SessionPage(IReadOnlyList<SessionInfo> Sessions, string? NextCursor);
