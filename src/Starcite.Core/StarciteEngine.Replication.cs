using Starcite.Internal;
using Starcite.Replication;
using Starcite.Replication.Raft;
using Starcite.Sessions;
using Starcite.Storage.Checkpoints;
using Starcite.Tailing;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private RaftReplicator? _raft;

    /// <summary>This member's view of its Raft cluster, or null when the engine runs on its local log alone.</summary>
    public ClusterStatus? Cluster => _raft?.Status;

    /// <summary>
    /// Opens a tail like <see cref="OpenTail"/>, after a read barrier in a cluster: the cursor is checked against every
    /// event the cluster had acknowledged when the call was made, so a cursor taken from an append reply on any member
    /// is never "in the future" here.
    /// </summary>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    /// <exception cref="InvalidRequestException"><c>invalid_cursor</c>: negative, or beyond the session's <c>last_seq</c>.</exception>
    /// <exception cref="UnavailableException">In a cluster: no leader, or no quorum to confirm the read point.</exception>
    public async ValueTask<SessionTail> OpenTailAsync(string sessionId, long cursor = 0, CancellationToken cancellationToken = default)
    {
        await ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        return OpenTail(sessionId, cursor);
    }

    /// <summary>In a cluster, joins it once the local store is recovered (the WAL replays only what the store lacks).</summary>
    private async Task StartReplicationAsync(string directory, CancellationToken cancellationToken)
    {
        if (_options.Cluster.IsEnabled)
        {
            _raft = await RaftReplicator.StartAsync(new ReplicatedStore(this), _options.Cluster, Path.Combine(directory, "raft"), _loggerFactory, _time, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private async ValueTask ReadBarrierAsync(CancellationToken cancellationToken)
    {
        if (_raft is { } raft)
        {
            await raft.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
            // The barrier returns once the read point is applied; applied entries become readable a commit later.
            // A failed commit fails the store, which every later read reports on its own.
            await WhenAppliedVisible.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private RaftReplicator Replicator => _raft ?? throw new UnavailableException("The cluster member is still starting; retry shortly");

    private async ValueTask<AppendResult> AppendReplicatedAsync(string sessionId, AppendCommand command, CancellationToken cancellationToken)
    {
        var outcome = await Replicator.ProposeAsync(new AppendWrite(sessionId, command), cancellationToken).ConfigureAwait(false);
        return outcome.Kind switch
        {
            AppliedWriteKind.Appended => new AppendResult(AppendStatus.Appended, outcome.Seq, outcome.Seq),
            AppliedWriteKind.Rejected => outcome.Rejection,
            AppliedWriteKind.AcceptedEarlier => await ResolveAcceptedEarlierAsync(outcome.Runtime!, command, cancellationToken).ConfigureAwait(false),
            _ => new AppendResult(AppendStatus.SessionNotFound, 0, 0),
        };
    }

    /// <summary>A retry of an accepted (producer_id, producer_seq): a duplicate with the original seq, or a replay
    /// conflict, by content. Decided here rather than in the apply step, because comparing needs a read.</summary>
    private async ValueTask<AppendResult> ResolveAcceptedEarlierAsync(SessionRuntime runtime, AppendCommand command, CancellationToken cancellationToken)
    {
        // FetchAcceptedEarlierAsync waits for this session's publication of the producer's events: no wider wait is needed.
        var earlier = await FetchAcceptedEarlierAsync(runtime, command, cancellationToken).ConfigureAwait(false);
        AppendResult result;
        lock (runtime.SyncRoot)
        {
            var decision = AppendDecider.Decide(runtime.State, command, earlier, overCapacity: false); // dedupe comes first: capacity never applies
            result = new AppendResult(decision.Status, decision.Seq, runtime.State.LastSeq);
        }

        await runtime.WaitForCommittedAsync(result.LastSeq, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async ValueTask<CreateSessionResult> CreateReplicatedAsync(string id, string? title, byte[] metadata, Principal? principal, CancellationToken cancellationToken)
    {
        var write = new CreateSessionWrite(id, title, metadata, principal, UnixMicros.Now(_time));
        var outcome = await Replicator.ProposeAsync(write, cancellationToken).ConfigureAwait(false);
        var runtime = outcome.Runtime!;
        await runtime.WaitVisibleAsync(cancellationToken).ConfigureAwait(false);
        return new CreateSessionResult(outcome.Kind == AppliedWriteKind.Created, runtime.ToInfo());
    }

    /// <summary>Cluster: archive progress goes through the Raft log, so every member agrees on it (the leader archives).</summary>
    private async ValueTask RecordArchivedReplicatedAsync(IReadOnlyList<Archive.ArchivedRange> progress, CancellationToken cancellationToken)
    {
        await Task.WhenAll(progress.Select(range => Replicator.ProposeAsync(
            new ArchiveProgressWrite(range.Session.Header.Id, range.ArchivedSeq, range.Bytes), cancellationToken).AsTask())).ConfigureAwait(false);
    }

    /// <summary>The engine as the Raft state machine sees it.</summary>
    private sealed class ReplicatedStore(StarciteEngine engine) : IReplicatedStore
    {
        public AppliedPosition Applied => engine.Applied;

        public StoreCheckpoint LastCheckpoint => engine.LastCheckpoint;

        public Task WhenAppliedVisible => engine.WhenAppliedVisible;

        public ValueTask ApplyAsync(IReadOnlyList<WriteCommand> commands, AppliedWrite[]? outcomes, AppliedPosition position, CancellationToken cancellationToken) =>
            engine.ApplyAsync(commands, outcomes, position, cancellationToken);

        public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadSnapshotAsync(StoreCheckpoint checkpoint, CancellationToken cancellationToken) =>
            engine.ReadSnapshotAsync(checkpoint, cancellationToken);

        public ValueTask InstallSnapshotAsync(Stream snapshot, CancellationToken cancellationToken) =>
            engine.InstallSnapshotAsync(snapshot, cancellationToken);
    }
}
