using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.Engine;

/// <summary>
/// The engine's archiver, reclaim, read-through and backpressure (contract §3.5, §5), with the engine in process and
/// a real store underneath: run against every store, each test on its own schema or key prefix and data directory.
/// </summary>
[Trait("Category", "Integration")]
public abstract partial class ArchiveEngineTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "starcite-archive-engine-tests", Guid.NewGuid().ToString("N"));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The engine's data directory for this test.</summary>
    protected string DataDirectory => _root;

    /// <summary>A fault proxy in front of this test's server; stores from <see cref="Open"/> with <c>viaProxy</c> use it.</summary>
    protected TcpFaultProxy Proxy { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        Proxy = StartProxy();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        await Proxy.DisposeAsync();
        await DisposeBackendAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A real store on this test's schema or prefix; through <see cref="Proxy"/> (with short timeouts) or direct.</summary>
    protected abstract IArchiveStore CreateStore(bool viaProxy);

    protected abstract TcpFaultProxy StartProxy();

    protected abstract ValueTask DisposeBackendAsync();

    /// <summary>A new store instance (no cache shared with earlier ones) wrapped in a recorder; disposed after the test.</summary>
    protected RecordingArchiveStore Open(bool viaProxy = false)
    {
        var store = new RecordingArchiveStore(CreateStore(viaProxy));
        _owned.Add(store);
        return store;
    }

    /// <summary>Options for <see cref="DataDirectory"/>: small memory, flushes every 20 ms, retries from 100 ms up to 200 ms.</summary>
    protected StarciteOptions Options(Action<ArchiveOptions>? archive = null)
    {
        var options = new StarciteOptions { DataDirectory = DataDirectory };
        options.Storage.MemorySize = 1L << 23;
        options.Storage.IndexMemorySize = 1L << 22;
        options.Storage.IndexBuckets = 1L << 14;
        options.Storage.CheckpointInterval = TimeSpan.FromDays(1); // tests checkpoint and reclaim explicitly
        options.Archive.FlushInterval = TimeSpan.FromMilliseconds(20);
        options.Archive.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        archive?.Invoke(options.Archive);
        return options;
    }

    protected static Task<StarciteEngine> StartAsync(StarciteOptions options, IArchiveStore store, TimeProvider? time = null,
        IMeterFactory? meters = null, ILoggerFactory? logs = null) =>
        StarciteEngine.StartAsync(options, logs, meters, time, store, Ct);

    protected static async Task CreateSessionsAsync(StarciteEngine engine, params string[] ids)
    {
        foreach (var id in ids)
        {
            Assert.True((await engine.CreateSessionAsync(new CreateSessionRequest { Id = id, Title = "t " + id }, Ct)).Created);
        }
    }

    /// <summary>An event whose every field derives from (producer, producerSeq); optional fields alternate between set and null.</summary>
    protected static AppendRequest Request(string producer, long producerSeq, int padding = 0) => new()
    {
        Type = producerSeq % 5 == 0 ? "tool.call" : "content",
        Payload = Encoding.UTF8.GetBytes($$"""{"p":"{{producer}}","n":{{producerSeq}},"text":"naïve 🌍","pad":"{{new string((char)('a' + (producerSeq % 26)), padding)}}"}"""),
        Actor = producerSeq % 2 == 0 ? "agent:drafter" : "user:Zoë",
        ProducerId = producer,
        ProducerSeq = producerSeq,
        Source = producerSeq % 2 == 0 ? null : "agent",
        Metadata = producerSeq % 3 == 0 ? null : Encoding.UTF8.GetBytes($$"""{"trace":"t-{{producerSeq}}"}"""),
        Refs = producerSeq % 4 == 0 ? null : Encoding.UTF8.GetBytes($$"""{"reply_to":{{producerSeq - 1}}}"""),
        IdempotencyKey = producerSeq % 3 == 1 ? null : $"{producer}:{producerSeq}",
    };

    protected static async Task<AppendResult> AppendOkAsync(StarciteEngine engine, string sessionId, string producer, long producerSeq, int padding = 0)
    {
        var result = await engine.AppendAsync(sessionId, Request(producer, producerSeq, padding), Ct);
        Assert.Equal(AppendStatus.Appended, result.Status);
        return result;
    }

    protected static async Task<SessionInfo> SessionAsync(StarciteEngine engine, string sessionId) =>
        await engine.GetSessionAsync(sessionId, Ct) ?? throw new InvalidOperationException($"{sessionId} is missing");

    /// <summary>Waits until every session's archived_seq equals its last_seq.</summary>
    protected static Task WaitArchivedAsync(StarciteEngine engine, IEnumerable<string> sessionIds, Action? betweenPolls = null, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(async () =>
        {
            foreach (var id in sessionIds)
            {
                var session = await SessionAsync(engine, id);
                if (session.ArchivedSeq != session.LastSeq)
                {
                    return false;
                }
            }

            return true;
        }, $"archived_seq to reach last_seq in {string.Join(", ", sessionIds)}", betweenPolls, timeout);

    /// <summary>Every event of a session through the engine, in pages of <paramref name="pageSize"/>.</summary>
    protected static async Task<List<SessionEvent>> ReadAllAsync(StarciteEngine engine, string sessionId, int pageSize = StarciteEngine.MaxPageLimit)
    {
        var all = new List<SessionEvent>();
        for (var cursor = 0L; ;)
        {
            var page = await engine.ReadEventsAsync(sessionId, cursor, pageSize, Ct);
            Assert.True(page.Events.Count <= pageSize);
            all.AddRange(page.Events);
            if (page.Events.Count == 0 || page.NextCursor == page.LastSeq)
            {
                return all;
            }

            Assert.Equal(page.Events[^1].Seq, page.NextCursor);
            cursor = page.NextCursor;
        }
    }

    /// <summary>Every event the archive holds for a session, read by a fresh store instance talking to the server directly.</summary>
    protected async Task<List<SessionEvent>> ReadArchiveAsync(string sessionId)
    {
        var store = Open();
        var all = new List<SessionEvent>();
        while (true)
        {
            var page = await store.ReadEventsAsync(sessionId, all.Count == 0 ? 0 : all[^1].Seq, 1000, Ct);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }

    /// <summary>The archive holds exactly <paramref name="expected"/>: seq 1..N once each, every field byte-exact.</summary>
    protected async Task AssertArchiveHoldsExactlyAsync(string sessionId, IReadOnlyList<SessionEvent> expected)
    {
        Assert.Equal(Enumerable.Range(1, expected.Count).Select(n => (long)n), expected.Select(e => e.Seq));
        ArchiveAssert.SameEvents(expected, await ReadArchiveAsync(sessionId));
    }
}
