using Starcite.Sessions;

namespace Starcite.Archive;

/// <summary>What the archiver needs from the engine: the sessions with un-archived events, reading them, and
/// recording confirmed progress durably (a local record, or a replicated command in a cluster).</summary>
internal interface IArchiveSource
{
    /// <summary>False while this member must not archive (a cluster follower); the leader archives for everyone.</summary>
    bool CanArchive { get; }

    /// <summary>Each lagging session's next committed events after its archived seq, from local storage, at most
    /// <paramref name="budget"/> in all; sessions with nothing to archive are left out.</summary>
    ValueTask<List<(SessionRuntime Session, List<SessionEvent> Events)>> ReadBatchAsync(int budget, CancellationToken cancellationToken);

    /// <summary>Durably records that the archive confirmed each session up to a seq; returns once it is durable.</summary>
    ValueTask RecordArchivedAsync(IReadOnlyList<ArchivedRange> progress, CancellationToken cancellationToken);
}

/// <summary>A session archived up to <see cref="ArchivedSeq"/>; <see cref="Bytes"/> is the size of the event records the write newly covered.</summary>
internal readonly record struct ArchivedRange(SessionRuntime Session, long ArchivedSeq, long Bytes);
