using Microsoft.Extensions.Time.Testing;
using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Reads;

/// <summary>Contract §4: history pages.</summary>
[Trait("Category", "Unit")]
public sealed class ReadEventsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task ReadEventsAsync_CursorPaging_ReturnsEveryEventOnceInOrder(int limit)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await AppendAsync(engine, id, 130);

        var seen = new List<long>();
        var cursor = 0L;
        while (true)
        {
            var page = await engine.ReadEventsAsync(id, cursor, limit, ct);
            Assert.Equal(130, page.LastSeq);
            Assert.InRange(page.Events.Count, 0, limit);
            Assert.Equal(Enumerable.Range((int)cursor + 1, page.Events.Count).Select(i => (long)i), page.Events.Select(e => e.Seq));
            Assert.Equal(page.Events.Count == 0 ? cursor : page.Events[^1].Seq, page.NextCursor);
            if (page.Events.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Events.Select(e => e.Seq));
            cursor = page.NextCursor;
        }

        Assert.Equal(Enumerable.Range(1, 130).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task ReadEventsAsync_Defaults_ReadFromStartAtMost100()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await AppendAsync(engine, id, 101);

        var page = await engine.ReadEventsAsync(id, cancellationToken: ct);

        Assert.Equal(100, page.Events.Count);
        Assert.Equal(1, page.Events[0].Seq);
        Assert.Equal(100, page.NextCursor);
        Assert.Equal(101, page.LastSeq);
    }

    [Fact]
    public async Task ReadEventsAsync_CursorAtLastSeqOrEmptySession_ReturnsEmptyPageWithCursor()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var empty = await engine.CreateAsync("ses_empty");
        var id = await engine.CreateAsync("ses_a");
        await AppendAsync(engine, id, 5);

        var atEnd = await engine.ReadEventsAsync(id, 5, 10, ct);
        var fromEmpty = await engine.ReadEventsAsync(empty, 0, 10, ct);
        var middle = await engine.ReadEventsAsync(id, 2, 2, ct);

        Assert.Empty(atEnd.Events);
        Assert.Equal((5L, 5L), (atEnd.NextCursor, atEnd.LastSeq));
        Assert.Empty(fromEmpty.Events);
        Assert.Equal((0L, 0L), (fromEmpty.NextCursor, fromEmpty.LastSeq));
        Assert.Equal([3L, 4], middle.Events.Select(e => e.Seq));
        Assert.Equal((4L, 5L), (middle.NextCursor, middle.LastSeq));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task ReadEventsAsync_LimitOutOfRange_ThrowsInvalidLimit(int limit)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await AppendAsync(engine, id, 2);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await engine.ReadEventsAsync(id, 0, limit, ct));

        Assert.Equal(("invalid_limit", "limit"), (error.Code, error.Field));
    }

    [Theory]
    [InlineData(-1, "cursor")]
    [InlineData(long.MinValue, "cursor")]
    [InlineData(4, "last_seq")]
    [InlineData(long.MaxValue, "last_seq")]
    public async Task ReadEventsAsync_CursorNegativeOrBeyondLastSeq_ThrowsInvalidCursor(long cursor, string named)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await AppendAsync(engine, id, 3);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await engine.ReadEventsAsync(id, cursor, 10, ct));

        Assert.Equal(("invalid_cursor", "cursor"), (error.Code, error.Field));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadEventsAsync_MissingSession_ThrowsSessionNotFound()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await engine.CreateAsync("ses_other");

        var error = await Assert.ThrowsAsync<SessionNotFoundException>(async () => await engine.ReadEventsAsync("ses_missing", 0, 10, ct));

        Assert.Equal(("session_not_found", "ses_missing"), (error.Code, error.SessionId));
    }

    [Fact]
    public async Task ReadEventsAsync_Events_CarryEveryFieldAndInsertedAtFromTimeProvider()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var start = new DateTimeOffset(2026, 2, 20, 10, 11, 12, TimeSpan.Zero);
        var time = new FakeTimeProvider(start.AddTicks(1_234_567)); // .1234567: the 7th digit is below a microsecond
        await using (var engine = await Engines.StartAsync(dir.Path, time: time))
        {
            var id = await engine.CreateAsync("ses_a");
            await engine.AppendAsync(id, Requests.Full("drafter-1", 8, type: "content", payload: """{ "text": "..." }""", actor: "agent:drafter",
                source: "agent", metadata: """{"m":1}""", refs: """{"r":[1]}""", idempotencyKey: "idem-1"), ct);
            time.Advance(TimeSpan.FromTicks(15)); // 1.5 µs
            await engine.AppendAsync(id, Requests.Full("other", 1, source: null, metadata: null, refs: null, idempotencyKey: null), ct);
            await AssertEventsAsync(engine, start);
        }

        time.Advance(TimeSpan.FromHours(1));
        await using (var engine = await Engines.StartAsync(dir.Path, time: time))
        {
            await AssertEventsAsync(engine, start); // fixed at acceptance, not re-read from the clock
        }
    }

    private static async Task AssertEventsAsync(StarciteEngine engine, DateTimeOffset start)
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await engine.ReadEventsAsync("ses_a", 0, 10, ct);
        Assert.Equal(2, page.Events.Count);
        var first = page.Events[0];
        Assert.Equal(("ses_a", 1L, "content", "agent:drafter", "drafter-1", 8L, "agent", "idem-1"),
            (first.SessionId, first.Seq, first.Type, first.Actor, first.ProducerId, first.ProducerSeq, first.Source, first.IdempotencyKey));
        Assert.Equal(("""{"text":"..."}""", """{"m":1}""", """{"r":[1]}"""), (History.Text(first.Payload), History.Text(first.Metadata), History.Text(first.Refs)));
        Assert.Equal(start.AddTicks(1_234_560), first.InsertedAt);
        Assert.Equal(TimeSpan.Zero, first.InsertedAt.Offset);

        var second = page.Events[1];
        Assert.Equal((2L, "other", 1L), (second.Seq, second.ProducerId, second.ProducerSeq));
        Assert.Null(second.Source);
        Assert.Null(second.IdempotencyKey);
        Assert.Equal(("{}", "{}"), (History.Text(second.Metadata), History.Text(second.Refs)));
        Assert.Equal(start.AddTicks(1_234_580), second.InsertedAt); // .1234582 truncated to whole microseconds
        Assert.Equal(TimeSpan.Zero, second.InsertedAt.Offset);

        var session = await engine.GetSessionAsync("ses_a", ct);
        Assert.Equal((2L, second.InsertedAt), (session!.LastSeq, session.UpdatedAt));
        Assert.Equal(start.AddTicks(1_234_560), session.CreatedAt);
    }

    private static async Task AppendAsync(StarciteEngine engine, string id, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var result = await engine.AppendAsync(id, Engines.Event($"p{i % 3}", (i / 3) + 1), TestContext.Current.CancellationToken);
            Assert.Equal(AppendStatus.Appended, result.Status);
        }
    }
}
