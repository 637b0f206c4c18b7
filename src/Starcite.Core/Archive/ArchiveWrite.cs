using Starcite.Sessions;

namespace Starcite.Archive;

/// <summary>One session's part of an archive write: its current record and a run of its committed events.</summary>
/// <param name="Session">The session record to store (its <see cref="SessionInfo.ArchivedSeq"/> counts the events of
/// this write as archived).</param>
/// <param name="Events">Committed events with consecutive seqs, ascending; empty when only the record changed.</param>
public sealed record ArchiveWrite(SessionInfo Session, IReadOnlyList<SessionEvent> Events);
