using Starcite.Sessions;
using Starcite.Storage.Checkpoints;

namespace Starcite.Replication;

/// <summary>
/// What a replicated log needs from the store it drives (the engine implements it): apply committed entries, report
/// the position it has applied and checkpointed, and ship or install a whole-store snapshot.
/// </summary>
internal interface IReplicatedStore
{
    /// <summary>The replicated-log position whose effects the store holds.</summary>
    AppliedPosition Applied { get; }

    /// <summary>The newest durable checkpoint of the store.</summary>
    StoreCheckpoint LastCheckpoint { get; }

    /// <summary>
    /// Applies one committed entry: decides each command and logs the accepted ones, then returns without waiting for
    /// the local log's commit (the entry is durable in the Raft log already). Its effects become visible to readers
    /// once that commit completes, in log order: see <see cref="WhenAppliedVisible"/>.
    /// </summary>
    ValueTask ApplyAsync(IReadOnlyList<WriteCommand> commands, AppliedWrite[]? outcomes, AppliedPosition position, CancellationToken cancellationToken);

    /// <summary>Completes once every entry applied so far is durable locally and visible to readers.</summary>
    Task WhenAppliedVisible { get; }

    /// <summary>The store's contents as of <paramref name="checkpoint"/>, as a stream of chunks for another member.</summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadSnapshotAsync(StoreCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Brings the store up to a snapshot another member produced with <see cref="ReadSnapshotAsync"/>.</summary>
    ValueTask InstallSnapshotAsync(Stream snapshot, CancellationToken cancellationToken);
}
