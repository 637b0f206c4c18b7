using Starcite.Sessions;

namespace Starcite.Archive;

/// <summary>
/// Long-term storage for committed history (contract §5): S3-compatible object storage, PostgreSQL, or a store of
/// your own. The engine's archiver writes to it in the background and reads archived ranges back through it once
/// they have left local storage.
/// </summary>
/// <remarks>
/// <para><b>Idempotent writes.</b> The archiver retries a write after a timeout, an error or a restart, so the same
/// events arrive again, possibly inside a larger batch. Events are immutable: a rewrite carries exactly the bytes
/// written before. A store must end up holding each (session, seq) once, and must never report success for a write
/// it has not made durable.</para>
/// <para><b>Concurrency.</b> The archiver issues one <see cref="WriteAsync"/> at a time; reads and listings may run
/// concurrently with it and with each other.</para>
/// <para><b>Buffers.</b> The events passed in are immutable and may be shared with readers; a store never writes into
/// them and may keep references to them.</para>
/// <para><b>Failures.</b> Any exception from a write means "not confirmed": the archiver keeps the events locally
/// and tries again later, so throwing is always safe.</para>
/// </remarks>
public interface IArchiveStore
{
    /// <summary>Makes a batch durable in the archive: for each session, its record and a run of its events.</summary>
    /// <param name="batch">One entry per session (each session at most once); each entry's events have consecutive
    /// seqs, ascending, and may be empty when only the session record changed.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write counts as not confirmed.</param>
    /// <returns>Completes once everything in <paramref name="batch"/> is durable in the archive.</returns>
    ValueTask WriteAsync(IReadOnlyList<ArchiveWrite> batch, CancellationToken cancellationToken);

    /// <summary>Reads archived events of one session with seq greater than <paramref name="afterSeq"/>, in order.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="afterSeq">The cursor: the result starts at <c>afterSeq + 1</c>.</param>
    /// <param name="limit">At most this many events (at least 1).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Consecutive events starting at <c>afterSeq + 1</c>; fewer than <paramref name="limit"/> (possibly
    /// none) only where the archive holds no further event of the session.</returns>
    ValueTask<IReadOnlyList<SessionEvent>> ReadEventsAsync(string sessionId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Lists archived session records in id order (ordinal), one page at a time.</summary>
    /// <param name="afterId">The last id of the previous page (exclusive); null for the first page.</param>
    /// <param name="limit">At most this many sessions (at least 1).</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The page, with the session records as last written; <see cref="SessionPage.NextCursor"/> is null
    /// exactly when no more sessions follow.</returns>
    ValueTask<SessionPage> ListSessionsAsync(string? afterId, int limit, CancellationToken cancellationToken);
}
