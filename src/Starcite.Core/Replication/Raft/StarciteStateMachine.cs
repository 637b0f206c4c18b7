using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Starcite.Sessions;
using Starcite.Storage.Checkpoints;

namespace Starcite.Replication.Raft;

/// <summary>
/// The Raft state machine over the Starcite store (engine-notes §4.3): the WAL hands it committed entries one at a
/// time, it applies each entry's commands with the shared decide step, and reports every command's outcome to the
/// leader's proposer through <see cref="LogEntry.Context"/>. Its snapshot is the store's latest checkpoint.
/// </summary>
internal sealed class StarciteStateMachine(IReplicatedStore store, string incomingDirectory) : IStateMachine
{
    private StoreSnapshot? _snapshot;

    /// <summary>The store's latest checkpoint; the WAL drops the entries it covers.</summary>
    public ISnapshot? Snapshot
    {
        get
        {
            var checkpoint = store.LastCheckpoint;
            if (checkpoint.Applied.Index == 0)
            {
                return null;
            }

            var current = Volatile.Read(ref _snapshot);
            if (current?.Checkpoint != checkpoint)
            {
                current = new StoreSnapshot(store, checkpoint);
                Volatile.Write(ref _snapshot, current);
            }

            return current;
        }
    }

    public async ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        var applied = store.Applied.Index;
        if (entry.Index <= applied)
        {
            return applied; // already in the store (it was restored from a checkpoint or a snapshot)
        }

        if (entry.IsSnapshot)
        {
            await store.WhenAppliedVisible.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // the install replaces what they publish
            await InstallAsync(entry, token).ConfigureAwait(false);
            return store.Applied.Index;
        }

        if (!entry.TryGetPayload(out var payload) || payload.IsEmpty)
        {
            // An entry without a payload (a new leader's no-op) changes nothing but the position.
            await store.ApplyAsync([], null, new AppliedPosition(entry.Index, entry.Term), token).ConfigureAwait(false);
            return entry.Index;
        }

        var commands = CommandCodec.Decode(payload);
        var outcomes = entry.Context as AppliedWrite[]; // set only on the proposing leader (engine-notes §3.4)
        await store.ApplyAsync(commands, outcomes?.Length == commands.Count ? outcomes : null, new AppliedPosition(entry.Index, entry.Term), token).ConfigureAwait(false);
        return entry.Index;
    }

    /// <summary>Old snapshots are never kept: a snapshot is produced from the live store when one is needed.</summary>
    public ValueTask ReclaimGarbageAsync(long watermark, CancellationToken token) => ValueTask.CompletedTask;

    /// <summary>Receives a leader's snapshot into a file, then brings the store up to it.</summary>
    private async ValueTask InstallAsync(LogEntry entry, CancellationToken token)
    {
        Directory.CreateDirectory(incomingDirectory);
        var path = Path.Combine(incomingDirectory, $"snapshot-{entry.Index}.tmp");
        try
        {
            var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await using (file.ConfigureAwait(false))
            {
                await entry.WriteToAsync(IAsyncBinaryWriter.Create(file, new byte[1 << 16]), token).ConfigureAwait(false);
                await file.FlushAsync(token).ConfigureAwait(false);
                file.Position = 0;
                await store.InstallSnapshotAsync(file, token).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(path); // a no-op when DeleteOnClose already removed it
        }
    }
}
