namespace Starcite.Sessions;

/// <summary>A session's header and durable position (contract §2).</summary>
/// <param name="Id">The session id.</param>
/// <param name="Title">Optional title.</param>
/// <param name="Metadata">A compact UTF-8 JSON object (<c>{}</c> when none was given).</param>
/// <param name="CreatorPrincipal">Who created the session, when known.</param>
/// <param name="LastSeq">The seq of the newest durable event (0 for an empty session).</param>
/// <param name="ArchivedSeq">The highest seq confirmed by the archive (0 without an archive).</param>
/// <param name="CreatedAt">When the session was created (UTC, microseconds).</param>
/// <param name="UpdatedAt">When the session last changed: its newest event's <c>inserted_at</c>, or <paramref name="CreatedAt"/>.</param>
public sealed record SessionInfo(
    string Id,
    string? Title,
    ReadOnlyMemory<byte> Metadata,
    Principal? CreatorPrincipal,
    long LastSeq,
    long ArchivedSeq,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
