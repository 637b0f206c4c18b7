using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Starcite.Storage.Checkpoints;

namespace Starcite.Replication.Raft;

/// <summary>
/// The snapshot of a checkpoint, sent to a member too far behind for the WAL: produced on demand from the store's
/// local log, whose records below the checkpoint's address never change, so it can be sent any number of times.
/// </summary>
internal sealed class StoreSnapshot(IReplicatedStore store, StoreCheckpoint checkpoint) : ISnapshot
{
    public StoreCheckpoint Checkpoint { get; } = checkpoint;

    public long Index => Checkpoint.Applied.Index;

    public long Term => Checkpoint.Applied.Term;

    public int? CommandId => null;

    public bool IsConfiguration => false;

    public bool IsReusable => true;

    public long? Length => null; // streamed; the size is known only by reading the log

    public async ValueTask WriteToAsync<TWriter>(TWriter writer, CancellationToken token)
        where TWriter : IAsyncBinaryWriter
    {
        await foreach (var chunk in store.ReadSnapshotAsync(Checkpoint, token).ConfigureAwait(false))
        {
            await writer.Invoke(chunk, token).ConfigureAwait(false);
        }
    }

    public bool TryGetMemory(out ReadOnlyMemory<byte> memory)
    {
        memory = default;
        return false;
    }
}
