using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Starcite.Sessions;
using RaftNotLeaderException = DotNext.Net.Cluster.Consensus.Raft.NotLeaderException;

namespace Starcite.Replication.Raft;

/// <summary>Replicates one Raft entry and returns once it is applied; <paramref name="context"/> travels with it to the
/// leader's apply step (engine-notes §3.4).</summary>
internal delegate ValueTask ReplicateEntry(ReadOnlyMemory<byte> payload, object context, CancellationToken cancellationToken);

/// <summary>
/// Packs concurrent writes into Raft entries on the leader (engine-notes §4.3: about 2-3x the throughput of one entry
/// per write, and a far better p99). A lone write goes out at once; while entries are in flight, new writes queue and
/// leave together in the next one. Each write learns its own outcome from the entry's context once it is applied.
/// </summary>
/// <remarks>
/// Group commit: after an entry of many writes is answered, the next entry lingers (at most
/// <see cref="ClusterOptions.BatchLinger"/>) until as many writes are queued as that entry answered, because writers
/// that wait for their ack, as most producers do, come straight back. Without it the writers split into two groups
/// that alternate entries, and every member pays an entry's flushes for half of them (docs/benchmarks.md, Cluster).
/// A lone write, or a handful, never waits: the linger starts only after an entry of <see cref="MinWritesToLinger"/>.
/// </remarks>
internal sealed partial class ProposalBatcher : IAsyncDisposable
{
    /// <summary>The fewest writes an answered entry must have carried for the next one to linger.</summary>
    internal const int MinWritesToLinger = 4;

    private readonly ReplicateEntry _replicate;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Proposal> _queue = Channel.CreateUnbounded<Proposal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _lastAnswered; // writes the most recently answered entry carried

    public ProposalBatcher(ReplicateEntry replicate, ClusterOptions options, TimeProvider time, ILogger logger)
    {
        _replicate = replicate;
        _options = options;
        _time = time;
        _logger = logger;
        _inFlight = new SemaphoreSlim(options.MaxBatchesInFlight, options.MaxBatchesInFlight);
        _loop = RunAsync();
    }

    /// <summary>Replicates <paramref name="command"/> and returns what applying it did.</summary>
    /// <exception cref="UnavailableException">No quorum, or the commit did not complete within the commit timeout; the
    /// write may still commit later.</exception>
    /// <exception cref="Starcite.NotLeaderException">Leadership was lost before the write was committed.</exception>
    public async ValueTask<AppliedWrite> ProposeAsync(WriteCommand command, string? leaderHint, CancellationToken cancellationToken)
    {
        var proposal = new Proposal(command);
        if (!_queue.Writer.TryWrite(proposal))
        {
            throw new EngineClosedException();
        }

        try
        {
            return await proposal.Outcome.Task.WaitAsync(_options.CommitTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new UnavailableException($"The cluster did not commit the write within {_options.CommitTimeout.TotalMilliseconds:F0} ms; retry with the same producer ids", ex);
        }
        catch (RaftNotLeaderException)
        {
            throw new Starcite.NotLeaderException(leaderHint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Outcome.TrySetException(new EngineClosedException());
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                await _inFlight.WaitAsync(_stopping.Token).ConfigureAwait(false);
                var batch = new List<Proposal>();
                TakeQueued(batch);
                var expected = Math.Min(Volatile.Read(ref _lastAnswered), _options.MaxBatchCommands);
                if (ShouldLinger(batch.Count, expected))
                {
                    await LingerAsync(batch, expected).ConfigureAwait(false);
                }

                _ = ReplicateAsync(batch); // completes its proposals and releases its slot
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Whether a batch of <paramref name="taken"/> writes waits for more: only when it is short of what the
    /// last entry answered and that entry was big enough to show the writers are many (see the remarks).</summary>
    private bool ShouldLinger(int taken, int expected) =>
        _options.BatchLinger > TimeSpan.Zero && expected >= MinWritesToLinger && taken < expected;

    private void TakeQueued(List<Proposal> batch)
    {
        while (batch.Count < _options.MaxBatchCommands && _queue.Reader.TryRead(out var proposal))
        {
            batch.Add(proposal);
        }
    }

    /// <summary>Adds writes as they arrive until <paramref name="expected"/> are in the batch or the linger is over.</summary>
    private async Task LingerAsync(List<Proposal> batch, int expected)
    {
        using var linger = new CancellationTokenSource(_options.BatchLinger, _time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(linger.Token, _stopping.Token);
        try
        {
            while (batch.Count < expected && await _queue.Reader.WaitToReadAsync(waiting.Token).ConfigureAwait(false))
            {
                TakeQueued(batch);
            }
        }
        catch (OperationCanceledException)
        {
            // Over: the writes gathered so far leave now (when the batcher is stopping, their entry fails them at once).
        }
    }

    private async Task ReplicateAsync(List<Proposal> batch)
    {
        try
        {
            var outcomes = new AppliedWrite[batch.Count];
            var payload = CommandCodec.Encode([.. batch.Select(p => p.Command)]);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.CommitTimeout);
            await _replicate(payload, outcomes, timeout.Token).ConfigureAwait(false);
            Volatile.Write(ref _lastAnswered, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Outcome.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception ex)
        {
            LogReplicationFailed(_logger, batch.Count, ex);
            var failure = ex switch
            {
                RaftNotLeaderException => ex,
                OperationCanceledException when _stopping.IsCancellationRequested => new EngineClosedException(),
                _ => new UnavailableException("The cluster did not commit the write; retry with the same producer ids", ex),
            };
            foreach (var proposal in batch)
            {
                proposal.Outcome.TrySetException(failure);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    [LoggerMessage(EventId = Diagnostics.LogEvents.ReplicationFailed, EventName = nameof(Diagnostics.LogEvents.ReplicationFailed), Level = LogLevel.Debug,
        Message = "A Raft entry of {Count} writes was not committed")]
    private static partial void LogReplicationFailed(ILogger logger, int count, Exception exception);

    private sealed class Proposal(WriteCommand command)
    {
        public WriteCommand Command { get; } = command;

        public TaskCompletionSource<AppliedWrite> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
