using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Tailing;

/// <summary>The Channels-shaped reader surface: TryRead, WaitToReadAsync, ReadAllAsync, Completion and DisposeAsync.</summary>
[Trait("Category", "Unit")]
public sealed class SessionTailReaderApiTests
{
    [Fact]
    public async Task TryRead_NothingAfterCursor_ReturnsFalse()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await using var empty = engine.OpenTail(id);
        Assert.False(empty.TryRead(out _));

        await Tails.AppendAsync(engine, id, "p", 1, 3, ct);
        await using var atEnd = engine.OpenTail(id, 3);
        Assert.False(atEnd.TryRead(out _));
        Assert.Equal(3, atEnd.Cursor);
    }

    [Fact]
    public async Task TryRead_LiveEventInWindow_ReturnsItWithoutWaiting()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await using var tail = engine.OpenTail(id);
        await Tails.AppendAsync(engine, id, "p", 1, 2, ct);

        Assert.True(tail.TryRead(out var first));
        Assert.True(tail.TryRead(out var second));
        Assert.False(tail.TryRead(out _));
        Assert.Equal([1L, 2L], [first.Seq, second.Seq]);
        Assert.Equal(2, tail.Cursor);
    }

    [Fact]
    public async Task WaitToReadAsync_Cancelled_ThrowsOperationCanceledAndTailStaysUsable()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 2, ct);
        await using var tail = engine.OpenTail(id);
        Tails.AssertSeqs(await Tails.ReadAsync(tail, 2, ct), id, 1, 2);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waiting = tail.WaitToReadAsync(cancel.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Tails.Timeout, ct));

        using var alreadyCancelled = new CancellationTokenSource();
        await alreadyCancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tail.WaitToReadAsync(alreadyCancelled.Token).AsTask());

        Assert.False(tail.Completion.IsCompleted);
        await Tails.AppendAsync(engine, id, "p", 3, 3, ct);
        Tails.AssertSeqs(await Tails.ReadAsync(tail, 3, ct), id, 3, 5);
        Assert.False(tail.TryRead(out _));
    }

    [Fact]
    public async Task WaitToReadAsync_CancelledDuringCatchUpFromStorage_ResumesAtTheSameCursor()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o =>
        {
            o.Tail.RecentEventsPerSession = 0;
            o.Tail.ReadBatchSize = 3;
        });
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 10, ct);
        await using var tail = engine.OpenTail(id);
        var first = await Tails.ReadAsync(tail, 6, ct);

        // At a batch boundary the next wait reads storage; cancelled there, it must not consume or skip anything.
        using var alreadyCancelled = new CancellationTokenSource();
        await alreadyCancelled.CancelAsync();
        try
        {
            await tail.WaitToReadAsync(alreadyCancelled.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var rest = await Tails.ReadAsync(tail, 4, ct);
        Tails.AssertSeqs([.. first, .. rest], id, 1, 10);
    }

    [Fact]
    public async Task ReadAllAsync_Cancelled_ThrowsOperationCanceledAndTailStaysUsable()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 5, ct);
        await using var tail = engine.OpenTail(id);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var seen = new List<long>();
        var reading = Task.Run(
            async () =>
            {
                await foreach (var item in tail.ReadAllAsync(cancel.Token))
                {
                    seen.Add(item.Seq);
                    if (item.Seq == 5)
                    {
                        await cancel.CancelAsync();
                    }
                }
            },
            ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Tails.Timeout, ct));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], seen);
        Assert.Equal(5, tail.Cursor);

        await Tails.AppendAsync(engine, id, "p", 6, 2, ct);
        Tails.AssertSeqs(await Tails.ReadAsync(tail, 2, ct), id, 6, 7);
    }

    [Fact]
    public async Task DisposeAsync_CalledTwice_IsIdempotentAndCompletesCompletion()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        var tail = engine.OpenTail(id);
        await using var other = engine.OpenTail(id);
        Assert.False(tail.Completion.IsCompleted);

        await tail.DisposeAsync();
        await tail.DisposeAsync();

        Assert.True(tail.Completion.IsCompletedSuccessfully);

        // A second dispose must not release the other reader's share of the session: it still reads live events.
        await Tails.AppendAsync(engine, id, "p", 1, 3, ct);
        Assert.True(other.TryRead(out var live));
        Assert.Equal(1, live.Seq);
        Tails.AssertSeqs(await Tails.ReadAsync(other, 2, ct), id, 2, 3);
    }

    [Fact]
    public async Task WaitToReadAsync_AfterDispose_ThrowsObjectDisposed()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 2, ct);
        var tail = engine.OpenTail(id);
        await tail.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => tail.WaitToReadAsync(ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var item in tail.ReadAllAsync(ct))
            {
                Assert.Fail($"A disposed tail returned seq {item.Seq}.");
            }
        });
    }
}
