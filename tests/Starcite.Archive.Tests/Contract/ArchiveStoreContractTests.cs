using Starcite.Archive.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.Contract;

/// <summary>
/// The <see cref="IArchiveStore"/> contract, run against every store. Each test gets its own schema or key prefix
/// (a new class instance per test), so tests are independent and may run in parallel.
/// </summary>
[Trait("Category", "Integration")]
public abstract partial class ArchiveStoreContractTests : IAsyncLifetime
{
    private readonly List<IArchiveStore> _opened = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The store opened for the test.</summary>
    protected IArchiveStore Store { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Store = Reopen();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }

        await DisposeBackendAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A new store instance on this test's schema or prefix: it sees what earlier instances wrote, without their caches.</summary>
    protected IArchiveStore Reopen()
    {
        var store = CreateStore();
        _opened.Add(store);
        return store;
    }

    protected abstract IArchiveStore CreateStore();

    protected abstract ValueTask DisposeBackendAsync();

    [Fact]
    public async Task WriteAsync_EveryField_RoundTripsByteExact()
    {
        var write = ArchiveData.Write("ses_a", 1, 12);
        await Store.WriteAsync([write], Ct);

        ArchiveAssert.SameEvents(write.Events, await Store.ReadEventsAsync("ses_a", 0, 100, Ct));
        ArchiveAssert.SameEvents(write.Events, await Reopen().ReadEventsAsync("ses_a", 0, 100, Ct));
        var page = await Store.ListSessionsAsync(null, 10, Ct);
        ArchiveAssert.SameSession(write.Session, Assert.Single(page.Sessions));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task WriteAsync_TextWithControlCharactersAndAstralCharacters_RoundTripsExactly()
    {
        var odd = new SessionEvent("ses_text", 1, "ty\u0000pe", ArchiveData.Utf8("""{"s":"\u0000 \ud83c\udf0d"}"""), "actor\u0000\u0001\t\"\\",
            "producer\u001f🌍", 1, "\u0000", ArchiveData.Utf8("""{"k":"v"}"""), ArchiveData.Utf8("{}"), "key\u0000\u007f", ArchiveData.Epoch);
        var plain = new SessionEvent("ses_text", 2, "content", ArchiveData.Utf8("{}"), "a", "p", 2, null, ArchiveData.Utf8("{}"),
            ArchiveData.Utf8("{}"), null, DateTimeOffset.UnixEpoch);
        var session = ArchiveData.Session("ses_text", 2, title: "Ti\u0000tle 🌍", creator: new Principal("ten\u0000ant", "agent\u0000", PrincipalType.Agent));
        await Store.WriteAsync([new ArchiveWrite(session, [odd, plain])], Ct);

        ArchiveAssert.SameEvents([odd, plain], await Reopen().ReadEventsAsync("ses_text", 0, 10, Ct));
        ArchiveAssert.SameSession(session, Assert.Single((await Store.ListSessionsAsync(null, 10, Ct)).Sessions));
    }

    [Fact]
    public async Task WriteAsync_NestedPayloadAtTheEnginesDepthLimit_RoundTripsExactly()
    {
        var depth = 64; // the engine accepts JSON nested up to 64 levels
        var payload = ArchiveData.Utf8(string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "[1]" + new string('}', depth - 1));
        var e = new SessionEvent("ses_deep", 1, "content", payload, "a", "p", 1, null, payload, payload, null, ArchiveData.Epoch);
        await Store.WriteAsync([new ArchiveWrite(ArchiveData.Session("ses_deep", 1), [e])], Ct);

        ArchiveAssert.SameEvents([e], await Store.ReadEventsAsync("ses_deep", 0, 10, Ct));
    }

    [Fact]
    public async Task WriteAsync_SameBatchTwice_StoresEachEventOnce()
    {
        var write = ArchiveData.Write("ses_a", 1, 15);
        await Store.WriteAsync([write], Ct);
        await Store.WriteAsync([write], Ct);

        ArchiveAssert.SameEvents(write.Events, await Store.ReadEventsAsync("ses_a", 0, 100, Ct));
    }

    [Fact]
    public async Task WriteAsync_OverlappingBatches_StoresEachEventOnce()
    {
        await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 10)], Ct);
        await Store.WriteAsync([ArchiveData.Write("ses_a", 5, 20)], Ct);
        await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 25)], Ct);
        await Store.WriteAsync([ArchiveData.Write("ses_a", 12, 14)], Ct);

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 25), await Store.ReadEventsAsync("ses_a", 0, 100, Ct));
        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 25), await Reopen().ReadEventsAsync("ses_a", 0, 100, Ct));
    }

    [Fact]
    public async Task WriteAsync_ContinuedByAnotherInstance_KeepsEveryEvent()
    {
        await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 7)], Ct);
        await Reopen().WriteAsync([ArchiveData.Write("ses_a", 5, 13)], Ct); // no cache: must read what is stored first
        await Reopen().WriteAsync([ArchiveData.Write("ses_a", 14, 14)], Ct);
        await Store.WriteAsync([ArchiveData.Write("ses_a", 15, 23)], Ct); // its cache is stale: it must not trust it

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 23), await Reopen().ReadEventsAsync("ses_a", 0, 100, Ct));
    }

    [Fact]
    public async Task WriteAsync_InvalidBatch_ThrowsAndStoresNothing()
    {
        var a = ArchiveData.Write("ses_a", 1, 3);
        var gap = new ArchiveWrite(ArchiveData.Session("ses_b", 3), [ArchiveData.Event("ses_b", 1), ArchiveData.Event("ses_b", 3)]);
        var foreign = new ArchiveWrite(ArchiveData.Session("ses_c", 1), [ArchiveData.Event("ses_other", 1)]);
        var zero = new ArchiveWrite(ArchiveData.Session("ses_d", 1), [ArchiveData.Event("ses_d", 0)]);
        var badId = ArchiveData.Write("bad/id", 1, 1);

        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.WriteAsync([a, a], Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.WriteAsync([a, gap], Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.WriteAsync([a, foreign], Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.WriteAsync([a, zero], Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.WriteAsync([a, badId], Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.WriteAsync(null!, Ct));

        Assert.Empty(await Store.ReadEventsAsync("ses_a", 0, 10, Ct));
        Assert.Empty((await Store.ListSessionsAsync(null, 10, Ct)).Sessions);
    }

    [Fact]
    public async Task WriteAsync_CancelledToken_ThrowsAndStoresNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.ReadEventsAsync("ses_a", 0, 10, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.ListSessionsAsync(null, 10, cancelled.Token));

        Assert.Empty(await Store.ReadEventsAsync("ses_a", 0, 10, Ct));
    }

    [Fact]
    public async Task WriteAsync_EmptyBatch_DoesNothing()
    {
        await Store.WriteAsync([], Ct);

        Assert.Empty((await Store.ListSessionsAsync(null, 10, Ct)).Sessions);
    }

    [Fact]
    public async Task WriteAsync_ManySessionsInOneBatch_StoresEverySession()
    {
        var batch = Enumerable.Range(0, 60).Select(i => ArchiveData.Write($"ses_{i:D3}", 1, 1 + (i % 13))).ToList();
        await Store.WriteAsync(batch, Ct);
        var reader = Reopen();

        foreach (var write in batch)
        {
            ArchiveAssert.SameEvents(write.Events, await reader.ReadEventsAsync(write.Session.Id, 0, 100, Ct));
        }

        var listed = await ListAllAsync(reader, 7);
        Assert.Equal(batch.Select(w => w.Session.Id), listed.Select(s => s.Id));
        for (var i = 0; i < batch.Count; i++)
        {
            ArchiveAssert.SameSession(batch[i].Session, listed[i]);
        }
    }

    [Fact]
    public async Task WriteAsync_OnlySessionRecords_StoresTheRecordsAndNoEvents()
    {
        var batch = Enumerable.Range(1, 5).Select(i => new ArchiveWrite(ArchiveData.Session($"ses_{i}", 0), [])).ToList();
        await Store.WriteAsync(batch, Ct);

        var listed = (await Store.ListSessionsAsync(null, 10, Ct)).Sessions;
        Assert.Equal(5, listed.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            ArchiveAssert.SameSession(batch[i].Session, listed[i]);
            Assert.Empty(await Store.ReadEventsAsync(batch[i].Session.Id, 0, 10, Ct));
        }
    }

    [Fact]
    public async Task WriteAsync_SessionRecordWrittenAgain_LatestRecordWins()
    {
        var first = ArchiveData.Session("ses_a", 3);
        var second = new SessionInfo("ses_a", null, ArchiveData.Utf8("""{"v":2}"""), null, 5, 4, first.CreatedAt, first.UpdatedAt.AddTicks(10));
        var third = second with { Title = "Final", CreatorPrincipal = new Principal("acme", "agent-7", PrincipalType.Agent), ArchivedSeq = 5 };

        await Store.WriteAsync([new ArchiveWrite(first, ArchiveData.Events("ses_a", 1, 3))], Ct);
        await Store.WriteAsync([new ArchiveWrite(second, ArchiveData.Events("ses_a", 4, 4))], Ct);
        ArchiveAssert.SameSession(second, Assert.Single((await Store.ListSessionsAsync(null, 10, Ct)).Sessions));

        await Store.WriteAsync([new ArchiveWrite(third, ArchiveData.Events("ses_a", 5, 5))], Ct);
        ArchiveAssert.SameSession(third, Assert.Single((await Reopen().ListSessionsAsync(null, 10, Ct)).Sessions));
    }

    [Fact]
    public async Task WriteAsync_LargeSessionOf1KBEvents_ReadsBackEveryEventExactly()
    {
        const int count = 6000;
        for (var from = 1; from <= count; from += 1000)
        {
            await Store.WriteAsync([ArchiveData.Write("ses_big", from, from + 999, payloadBytes: 1024)], Ct);
        }

        var reader = Reopen();
        var read = new List<SessionEvent>();
        for (var cursor = 0L; ;)
        {
            var page = await reader.ReadEventsAsync("ses_big", cursor, 1000, Ct);
            if (page.Count == 0)
            {
                break;
            }

            read.AddRange(page);
            cursor = page[^1].Seq;
        }

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_big", 1, count, payloadBytes: 1024), read);
    }

    protected static async Task<List<SessionInfo>> ListAllAsync(IArchiveStore store, int pageSize)
    {
        var all = new List<SessionInfo>();
        string? cursor = null;
        do
        {
            var page = await store.ListSessionsAsync(cursor, pageSize, Ct);
            all.AddRange(page.Sessions);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }
}
