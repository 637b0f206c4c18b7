using Starcite.Archive.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.Contract;

// The contract of IArchiveStore.ReadEventsAsync: cursors, limits, gaps, concurrent writes.
public abstract partial class ArchiveStoreContractTests
{
    [Fact]
    public async Task ReadEventsAsync_EveryCursorAndLimit_ReturnsConsecutiveEventsFromTheCursor()
    {
        var all = ArchiveData.Events("ses_a", 1, 25);
        await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 8)], Ct);
        await Store.WriteAsync([ArchiveData.Write("ses_a", 9, 25)], Ct);
        var reader = Reopen();

        foreach (var limit in new[] { 1, 2, 9, 10, 11, 25, 1000, int.MaxValue })
        {
            for (var cursor = 0L; cursor <= 27; cursor++)
            {
                var expected = all.Where(e => e.Seq > cursor).Take(limit).ToList();
                ArchiveAssert.SameEvents(expected, await reader.ReadEventsAsync("ses_a", cursor, limit, Ct));
            }
        }
    }

    [Fact]
    public async Task ReadEventsAsync_PagesThroughASession_ReturnsEveryEventOnce()
    {
        await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 57)], Ct);
        var seen = new List<SessionEvent>();
        for (var cursor = 0L; ;)
        {
            var page = await Store.ReadEventsAsync("ses_a", cursor, 7, Ct);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page);
            cursor = page[^1].Seq;
        }

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 57), seen);
    }

    [Fact]
    public async Task ReadEventsAsync_RunsWithAGapBetween_StopsAtTheGap()
    {
        await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], Ct);
        await Store.WriteAsync([ArchiveData.Write("ses_a", 6, 8)], Ct); // the archiver never does this; a store must still not return a gap

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 3), await Store.ReadEventsAsync("ses_a", 0, 100, Ct));
        Assert.Empty(await Store.ReadEventsAsync("ses_a", 3, 100, Ct));
        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 6, 8), await Store.ReadEventsAsync("ses_a", 5, 100, Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_WhileWritesContinue_SeesEveryWriteConfirmedBeforeItBegan()
    {
        const long last = 150;
        var confirmed = 0L;
        var writer = Task.Run(async () =>
        {
            for (var from = 1L; from <= last; from += 7)
            {
                var to = Math.Min(last, from + 6);
                await Store.WriteAsync([ArchiveData.Write("ses_a", from, to)], Ct);
                Volatile.Write(ref confirmed, to);
            }
        }, Ct);

        var reader = Reopen();
        var reads = 0;
        while (!writer.IsCompleted || reads == 0)
        {
            var before = Volatile.Read(ref confirmed);
            var cursor = reads++ % 3 == 0 ? 0 : before / 2;
            var events = await reader.ReadEventsAsync("ses_a", cursor, int.MaxValue, Ct);
            Assert.True(cursor + events.Count >= before, $"read {events.Count} events after {cursor}, but {before} were confirmed before it began");
            Assert.Equal(Enumerable.Range(0, events.Count).Select(i => cursor + 1 + i), events.Select(e => e.Seq));
        }

        await writer;
        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, last), await reader.ReadEventsAsync("ses_a", 0, int.MaxValue, Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_UnknownSessionOrCursorAtTheEnd_ReturnsEmpty()
    {
        await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], Ct);

        Assert.Empty(await Store.ReadEventsAsync("ses_unknown", 0, 10, Ct));
        Assert.Empty(await Store.ReadEventsAsync("ses_a", 3, 10, Ct));
        Assert.Empty(await Store.ReadEventsAsync("ses_a", long.MaxValue - 1, int.MaxValue, Ct));
        Assert.Empty(await Store.ReadEventsAsync("ses_a", long.MaxValue, 10, Ct));
        Assert.Empty(await Reopen().ReadEventsAsync("ses_unknown", 0, 10, Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_IdsThatDifferOnlyInCase_AreSeparateSessions()
    {
        await Store.WriteAsync([ArchiveData.Write("Ses.A", 1, 2), ArchiveData.Write("ses.a", 1, 5), ArchiveData.Write("SES.A", 1, 1)], Ct);

        Assert.Equal(2, (await Store.ReadEventsAsync("Ses.A", 0, 10, Ct)).Count);
        ArchiveAssert.SameEvents(ArchiveData.Events("ses.a", 1, 5), await Store.ReadEventsAsync("ses.a", 0, 10, Ct));
        Assert.Single(await Store.ReadEventsAsync("SES.A", 0, 10, Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_InvalidArguments_Throw()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ReadEventsAsync("ses_a", 0, 0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ReadEventsAsync("ses_a", -1, 10, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.ReadEventsAsync(null!, 0, 10, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.ReadEventsAsync("ses/a", 0, 10, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ListSessionsAsync(null, 0, Ct));
    }
}
