using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Tailing;

/// <summary>Contract §4, "Before a tail starts": what OpenTail refuses, and the edge cursors it accepts.</summary>
[Trait("Category", "Unit")]
public sealed class OpenTailTests
{
    [Fact]
    public async Task OpenTail_MissingSession_ThrowsSessionNotFound()
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        await engine.CreateAsync("ses_present");

        var error = Assert.Throws<SessionNotFoundException>(() => engine.OpenTail("ses_missing"));

        Assert.Equal("session_not_found", error.Code);
        Assert.Equal("ses_missing", error.SessionId);
    }

    [Theory]
    [InlineData(4L)]
    [InlineData(100L)]
    [InlineData(long.MaxValue)]
    public async Task OpenTail_CursorBeyondLastSeq_ThrowsInvalidCursorNamingLastSeq(long cursor)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 3, ct);

        var error = Assert.Throws<InvalidRequestException>(() => engine.OpenTail(id, cursor));

        Assert.Equal("invalid_cursor", error.Code);
        Assert.Equal("cursor", error.Field);
        Assert.Contains("last_seq 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenTail_CursorBeyondLastSeqOfEmptySession_ThrowsInvalidCursor()
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();

        var error = Assert.Throws<InvalidRequestException>(() => engine.OpenTail(id, 1));

        Assert.Equal("invalid_cursor", error.Code);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public async Task OpenTail_NegativeCursor_ThrowsInvalidCursor(long cursor)
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();

        var error = Assert.Throws<InvalidRequestException>(() => engine.OpenTail(id, cursor));

        Assert.Equal("invalid_cursor", error.Code);
        Assert.Equal("cursor", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task OpenTail_CursorAtLastSeq_WaitsForTheNextEvent(int lastSeq)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, lastSeq, ct);

        await using var tail = engine.OpenTail(id, lastSeq);
        Assert.False(tail.TryRead(out _));
        var waiting = tail.WaitToReadAsync(ct).AsTask();
        Assert.False(waiting.IsCompleted);

        await engine.AppendAsync(id, Engines.Event("p", lastSeq + 1), ct);

        Assert.True(await waiting.WaitAsync(Tails.Timeout, ct));
        Assert.True(tail.TryRead(out var next));
        Assert.Equal(lastSeq + 1, next.Seq);
        Assert.False(tail.TryRead(out _));
    }

    [Fact]
    public async Task OpenTail_CursorFromAppendReply_IsNeverInTheFuture()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();

        // Contract §4: a cursor taken from an append reply is valid at once, even while other writers race ahead.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(
            async () =>
            {
                for (var n = 1; n <= 50; n++)
                {
                    var result = await engine.AppendAsync(id, Engines.Event($"w{w}", n), ct);
                    await using var tail = engine.OpenTail(id, result.Seq);
                    Assert.Equal(result.Seq, tail.Cursor);
                }
            },
            ct));
        await Task.WhenAll(writers).WaitAsync(Tails.Timeout, ct);

        await using var last = engine.OpenTail(id, 200);
        Assert.False(last.TryRead(out _));
    }
}
