using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Starcite.Replication;
using Starcite.Replication.Raft;
using Starcite.Sessions;

namespace Starcite.Tests.Replication;

/// <summary>
/// The leader's group commit: which writes leave together in one Raft entry. The cluster is a recorder that holds each
/// entry until the test applies it, and the clock is fake, so a linger ends only when the test says.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ProposalBatcherTests
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(7);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task LoneWrites_LeaveAtOnce_ThoughALingerIsSet()
    {
        var (batcher, entries, _) = Start(Linger);
        await using var running = batcher;

        for (var i = 0; i < 3; i++)
        {
            await AssertLeavesAloneAtOnceAsync(batcher, entries);
        }
    }

    [Fact]
    public async Task AfterAFewWrites_TheNextEntryDoesNotWait()
    {
        var (batcher, entries, _) = Start(Linger);
        await using var running = batcher;
        await AnswerAnEntryOfAsync(batcher, entries, ProposalBatcher.MinWritesToLinger - 1);

        await AssertLeavesAloneAtOnceAsync(batcher, entries);
    }

    [Fact]
    public async Task AfterABusyEntry_TheNextWaitsForAsManyWrites()
    {
        var (batcher, entries, clock) = Start(Linger);
        await using var running = batcher;
        await AnswerAnEntryOfAsync(batcher, entries, 5);

        var writes = new List<Task<AppliedWrite>> { Propose(batcher), Propose(batcher) };
        await clock.WaitForLingerAsync();
        Assert.False(entries.TryNext(out var early), $"An entry of {early?.Writes} left during the linger.");

        writes.AddRange(Enumerable.Range(0, 3).Select(_ => Propose(batcher)));
        var entry = await entries.NextAsync();
        Assert.Equal(5, entry.Writes);
        entry.Apply();
        await Task.WhenAll(writes).WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task WhenTheLingerEnds_TheGatheredWritesLeave()
    {
        var (batcher, entries, clock) = Start(Linger);
        await using var running = batcher;
        await AnswerAnEntryOfAsync(batcher, entries, 5);

        var writes = new[] { Propose(batcher), Propose(batcher) };
        await clock.WaitForLingerAsync();
        clock.Advance(Linger);
        var entry = await entries.NextAsync();
        entry.Apply();
        await Task.WhenAll(writes).WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.InRange(entry.Writes, 1, 2); // the second write may have arrived after the linger ended: it leaves next
        if (entry.Writes == 1)
        {
            var next = await entries.NextAsync();
            Assert.Equal(1, next.Writes);
            next.Apply();
        }
    }

    [Fact]
    public async Task ZeroLinger_SendsWhatIsQueued()
    {
        var (batcher, entries, _) = Start(TimeSpan.Zero);
        await using var running = batcher;
        await AnswerAnEntryOfAsync(batcher, entries, 5);

        await AssertLeavesAloneAtOnceAsync(batcher, entries);
    }

    private static (ProposalBatcher Batcher, EntryRecorder Entries, LingerClock Clock) Start(TimeSpan linger)
    {
        var entries = new EntryRecorder();
        var clock = new LingerClock(linger);
        var options = new ClusterOptions { BatchLinger = linger, CommitTimeout = TimeSpan.FromMinutes(1) };
        return (new ProposalBatcher(entries.ReplicateAsync, options, clock, NullLogger.Instance), entries, clock);
    }

    private static Task<AppliedWrite> Propose(ProposalBatcher batcher) =>
        batcher.ProposeAsync(new CreateSessionWrite("ses_a", null, "{}"u8.ToArray(), null, 0), leaderHint: null, CancellationToken.None).AsTask();

    /// <summary>One write proposed on its own leaves in an entry of its own, with the clock standing still.</summary>
    private static async Task AssertLeavesAloneAtOnceAsync(ProposalBatcher batcher, EntryRecorder entries)
    {
        var write = Propose(batcher);
        var entry = await entries.NextAsync();
        Assert.Equal(1, entry.Writes);
        entry.Apply();
        await write.WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    /// <summary>Leaves the batcher just after answering one entry of exactly <paramref name="writes"/> writes: a first
    /// write is held in flight while the others queue behind it, then both entries are applied.</summary>
    private static async Task AnswerAnEntryOfAsync(ProposalBatcher batcher, EntryRecorder entries, int writes)
    {
        var first = Propose(batcher);
        var held = await entries.NextAsync();
        var queued = Enumerable.Range(0, writes).Select(_ => Propose(batcher)).ToArray();
        held.Apply();
        await first.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var entry = await entries.NextAsync();
        Assert.Equal(writes, entry.Writes);
        entry.Apply();
        await Task.WhenAll(queued).WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    private sealed class Entry(int writes)
    {
        private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Writes { get; } = writes;

        public Task Applied => _applied.Task;

        public void Apply() => _applied.SetResult();
    }

    private sealed class EntryRecorder
    {
        private readonly Channel<Entry> _entries = Channel.CreateUnbounded<Entry>();

        public ValueTask ReplicateAsync(ReadOnlyMemory<byte> payload, object context, CancellationToken cancellationToken)
        {
            var entry = new Entry(CommandCodec.Decode(new ReadOnlySequence<byte>(payload)).Count);
            _entries.Writer.TryWrite(entry);
            return new ValueTask(entry.Applied.WaitAsync(cancellationToken));
        }

        public async Task<Entry> NextAsync() => await _entries.Reader.ReadAsync().AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);

        public bool TryNext(out Entry? entry) => _entries.Reader.TryRead(out entry);
    }

    /// <summary>A fake clock that reports each linger timer the batcher starts (its other timers are commit timeouts).</summary>
    private sealed class LingerClock(TimeSpan linger) : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _lingers = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == linger)
            {
                _lingers.Writer.TryWrite(dueTime);
            }

            return timer;
        }

        /// <summary>Returns once the batcher has started a linger (it then sends nothing until it has the writes it waits
        /// for, or the clock moves past the linger).</summary>
        public async Task WaitForLingerAsync() => await _lingers.Reader.ReadAsync().AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);
    }
}
