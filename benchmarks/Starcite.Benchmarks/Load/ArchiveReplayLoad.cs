using System.Diagnostics;
using Starcite.Archive;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Replay through the archive: one session of N events is appended and archived; the data directory is copied, and
/// the copy's local events are reclaimed (retention zero, a checkpoint). Rounds then alternate between replaying the
/// original from local storage (the baseline) and the copy through the engine's read-through path, as history pages
/// from cursor 0 and as a tail from 0, so machine noise hits both alike. Every round opens a fresh engine,
/// so nothing comes from the in-memory window or the archive read cache of an earlier round; every replay checks that
/// it got seqs 1..N in order, and how many events the store returned (none locally, all of them after the reclaim).
/// </summary>
internal static class ArchiveReplayLoad
{
    private const string SessionId = "replay";
    private const int FillWriters = 16;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(EngineArchiveLoadOptions options)
    {
        Console.WriteLine($"archive-replay: {options.Store}, one session of {options.Events:N0} events, {options.PayloadBytes} B payloads, " +
                          $"pages of {options.Page}, {options.Rounds} rounds each from local storage and through the archive");
        var name = ArchiveLoad.Unique();
        var inner = ArchiveLoad.Open(options.StoreOptions, name, options.Method);
        var store = new CountingArchiveStore(inner);
        var directory = options.DataDirectory("archive-replay");
        var reclaimed = directory + "-reclaimed";
        try
        {
            await FillAsync(options, directory, store);
            CopyDirectory(directory, reclaimed);
            await ReclaimAsync(options, reclaimed, store);
            var local = new List<ReplayRound>();
            var archived = new List<ReplayRound>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                local.Add(await ReplayAsync(options, store, Options(directory, TimeSpan.MaxValue)));
                Console.WriteLine($"  round {round} local   {local[^1]}");
                archived.Add(await ReplayAsync(options, store, Options(reclaimed, TimeSpan.Zero)));
                Console.WriteLine($"  round {round} archive {archived[^1]}");
            }

            var (localPages, localTail) = (Median(local, r => r.PagesPerSecond), Median(local, r => r.TailPerSecond));
            var (archivePages, archiveTail) = (Median(archived, r => r.PagesPerSecond), Median(archived, r => r.TailPerSecond));
            Console.WriteLine($"median local   history pages {localPages,10:N0} events/s   tail {localTail,10:N0} events/s");
            Console.WriteLine($"median archive history pages {archivePages,10:N0} events/s   tail {archiveTail,10:N0} events/s");
            Console.WriteLine($"archive/local history pages {archivePages / localPages:P0}, tail {archiveTail / localTail:P0}");
        }
        finally
        {
            await ((IAsyncDisposable)inner).DisposeAsync();
            await ArchiveLoad.DropAsync(options.StoreOptions, name);
            foreach (var path in new[] { directory, reclaimed }.Where(Directory.Exists))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    /// <summary>Copies a closed engine's data directory, so one copy can lose its local events and the other keep them.</summary>
    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Checkpoints every second; with retention zero, each checkpoint reclaims everything archived before it.</summary>
    private static StarciteOptions Options(string directory, TimeSpan localRetention)
    {
        var options = new StarciteOptions { DataDirectory = directory };
        options.Storage.CheckpointInterval = TimeSpan.FromSeconds(1);
        options.Archive.LocalRetention = localRetention;
        return options;
    }

    /// <summary>Appends N events from 16 writers and waits until the archive confirmed all of them.</summary>
    private static async Task FillAsync(EngineArchiveLoadOptions options, string directory, IArchiveStore store)
    {
        var payload = Payloads.OfSize(options.PayloadBytes);
        await using var engine = await StarciteEngine.StartAsync(Options(directory, TimeSpan.MaxValue), archiveStore: store);
        await engine.CreateSessionAsync(new CreateSessionRequest { Id = SessionId });
        var writers = Enumerable.Range(0, FillWriters).Select(writer => Task.Run(async () =>
        {
            var producerSeq = 0L;
            for (var n = writer; n < options.Events; n += FillWriters)
            {
                var result = await engine.AppendAsync(SessionId, new AppendRequest
                {
                    Type = "content",
                    Payload = payload,
                    Actor = "agent:load",
                    ProducerId = $"w{writer}",
                    ProducerSeq = ++producerSeq,
                });
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"append failed: {result.Status}");
                }
            }
        }));
        await Task.WhenAll(writers);

        var started = Stopwatch.GetTimestamp();
        await WaitUntilAsync(async () => (await engine.GetSessionAsync(SessionId)) is { } s && s.ArchivedSeq == options.Events, "the archive to confirm every event");
        Console.WriteLine($"  appended {options.Events:N0} events; the archive confirmed the last of them {Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s later");
    }

    /// <summary>Opens the engine with retention zero until a checkpoint has reclaimed the whole session: its last event is read through the archive.</summary>
    private static async Task ReclaimAsync(EngineArchiveLoadOptions options, string directory, CountingArchiveStore store)
    {
        await using var engine = await StarciteEngine.StartAsync(Options(directory, TimeSpan.Zero), archiveStore: store);
        var started = Stopwatch.GetTimestamp();
        await WaitUntilAsync(async () =>
        {
            var before = store.EventsRead;
            var last = await engine.ReadEventsAsync(SessionId, options.Events - 1, 1);
            return last.Events.Single().Seq == options.Events && store.EventsRead > before;
        }, "a checkpoint to reclaim the session from local storage");
        Console.WriteLine($"  reclaimed from local storage {Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s after opening with retention zero");
    }

    private static async Task<ReplayRound> ReplayAsync(EngineArchiveLoadOptions options, CountingArchiveStore store, StarciteOptions engineOptions)
    {
        var expectArchive = engineOptions.Archive.LocalRetention == TimeSpan.Zero;
        double pages, tail;
        long pagesFromArchive, tailFromArchive;
        await using (var engine = await StarciteEngine.StartAsync(engineOptions, archiveStore: store))
        {
            var before = store.EventsRead;
            pages = await ReplayPagesAsync(engine, options);
            pagesFromArchive = store.EventsRead - before;
        }

        // A second fresh engine, so the tail does not find what the pages left in the archive read cache.
        await using (var engine = await StarciteEngine.StartAsync(engineOptions, archiveStore: store))
        {
            var before = store.EventsRead;
            tail = await ReplayTailAsync(engine, options);
            tailFromArchive = store.EventsRead - before;
        }

        if (expectArchive ? pagesFromArchive < options.Events || tailFromArchive < options.Events : pagesFromArchive + tailFromArchive != 0)
        {
            throw new InvalidOperationException($"the archive returned {pagesFromArchive} / {tailFromArchive} events to a {(expectArchive ? "reclaimed" : "local")} replay");
        }

        return new ReplayRound(pages, tail, pagesFromArchive, tailFromArchive);
    }

    private static async Task<double> ReplayPagesAsync(StarciteEngine engine, EngineArchiveLoadOptions options)
    {
        var payloadLength = Payloads.OfSize(options.PayloadBytes).Length;
        var started = Stopwatch.GetTimestamp();
        long cursor = 0, expected = 0;
        while (true)
        {
            var page = await engine.ReadEventsAsync(SessionId, cursor, options.Page);
            if (page.Events.Count == 0)
            {
                break;
            }

            foreach (var e in page.Events)
            {
                Check(e, ++expected, payloadLength);
            }

            cursor = page.NextCursor;
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        CheckComplete(expected, options.Events, "history pages");
        return expected / seconds;
    }

    private static async Task<double> ReplayTailAsync(StarciteEngine engine, EngineArchiveLoadOptions options)
    {
        var payloadLength = Payloads.OfSize(options.PayloadBytes).Length;
        var started = Stopwatch.GetTimestamp();
        await using var tail = engine.OpenTail(SessionId, 0);
        long expected = 0;
        while (expected < options.Events && await tail.WaitToReadAsync())
        {
            while (tail.TryRead(out var e))
            {
                Check(e, ++expected, payloadLength);
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        CheckComplete(expected, options.Events, "the tail");
        return expected / seconds;
    }

    /// <summary>A replay that returns wrong data is worthless: every event must be the next seq of this session, whole.</summary>
    private static void Check(SessionEvent e, long seq, int payloadLength)
    {
        if (e.Seq != seq || e.SessionId != SessionId || e.Payload.Length != payloadLength)
        {
            throw new InvalidOperationException($"expected seq {seq} of {SessionId} with a {payloadLength} B payload, got seq {e.Seq} of {e.SessionId} with {e.Payload.Length} B");
        }
    }

    private static void CheckComplete(long replayed, long events, string path)
    {
        if (replayed != events)
        {
            throw new InvalidOperationException($"{path} replayed {replayed} events, expected {events}");
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > WaitLimit)
            {
                throw new TimeoutException($"waited {WaitLimit.TotalSeconds:N0} s for {what}");
            }

            await Task.Delay(100);
        }
    }

    private static double Median(List<ReplayRound> rounds, Func<ReplayRound, double> figure) => rounds.Select(figure).Order().ElementAt(rounds.Count / 2);
}
