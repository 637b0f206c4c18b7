using System.Diagnostics;
using Starcite.Archive;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Can the archiver keep up? A fresh engine with a real archive store takes appends at a fixed target rate from W
/// paced writers over S sessions for a fixed time, while the engine's own lag gauge is sampled every 100 ms. It keeps
/// up when the lag stays bounded (no growth over the run) and drains to zero within a few flush intervals once the
/// writers stop. Each round first runs the same paced load on an engine without an archive (the baseline: what the
/// machine can append at that moment), then with one; each uses a fresh data directory, and a fresh schema or prefix.
/// </summary>
internal static class ArchiveKeepUpLoad
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(EngineArchiveLoadOptions options)
    {
        Console.WriteLine($"archive-keepup: {options.Store}, target {options.Rate:N0} appends/s for {options.Seconds} s, {options.Writers} writers over " +
                          $"{options.Sessions} sessions, {options.PayloadBytes} B payloads, flush every {options.FlushMilliseconds} ms, {options.Rounds} rounds");
        var runs = new List<KeepUpResult>();
        var baseline = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            baseline.Add(await BaselineAsync(options));
            Console.WriteLine($"  round {round} baseline (no archive): {baseline[^1],8:N0} appends/s");
            runs.Add(await RoundAsync(options));
            Console.WriteLine($"  round {round} archive: {runs[^1]}");
        }

        var median = KeepUpResult.Median(runs);
        Console.WriteLine($"median baseline (no archive): {baseline.Order().ElementAt(baseline.Count / 2),8:N0} appends/s");
        Console.WriteLine($"median archive: {median}");
        // Bounded: over the whole run the lag grew by less than one flush interval's worth of appends.
        var bounded = median.LagGrowth * options.Seconds < options.Rate * options.FlushInterval.TotalSeconds;
        var drained = median.DrainSeconds <= 3 * options.FlushInterval.TotalSeconds + 1;
        var reached = median.AppendsPerSecond >= 0.95 * options.Rate;
        Console.WriteLine($"keeps up: {(bounded && drained ? "yes" : "no")} (lag {(bounded ? "bounded" : "grows")}, " +
                          $"{(drained ? "drains within 3 flush intervals + 1 s" : "drains too slowly")}; writers {(reached ? "reached" : "did not reach")} the target rate)");
    }

    private static async Task<double> BaselineAsync(EngineArchiveLoadOptions options)
    {
        var directory = options.DataDirectory("archive-keepup-baseline");
        try
        {
            await using var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = directory });
            var sessions = await CreateSessionsAsync(engine, options.Sessions);
            var appended = new long[1];
            var started = Stopwatch.GetTimestamp();
            await PacedWriters.RunAsync(engine, sessions, options, started, appended);
            return appended[0] / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string[]> CreateSessionsAsync(StarciteEngine engine, int count)
    {
        var sessions = new string[count];
        for (var i = 0; i < sessions.Length; i++)
        {
            sessions[i] = (await engine.CreateSessionAsync(new CreateSessionRequest { Id = $"load-{i:D4}" })).Session.Id;
        }

        return sessions;
    }

    private static async Task<KeepUpResult> RoundAsync(EngineArchiveLoadOptions options)
    {
        var name = ArchiveLoad.Unique();
        var store = ArchiveLoad.Open(options.StoreOptions, name, options.Method);
        var directory = options.DataDirectory("archive-keepup");
        try
        {
            await store.ListSessionsAsync(null, 1, CancellationToken.None); // creates the schema or bucket layout before timing
            var engineOptions = new StarciteOptions { DataDirectory = directory };
            engineOptions.Archive.FlushInterval = options.FlushInterval;
            await using var engine = await StarciteEngine.StartAsync(engineOptions, archiveStore: store);
            var sessions = await CreateSessionsAsync(engine, options.Sessions);

            using var probe = new ArchiveMeterProbe();
            var samples = new List<(double Seconds, long Lag, long Appended, long Archived)>();
            var appended = new long[1];
            var started = Stopwatch.GetTimestamp();
            using var stopSampling = new CancellationTokenSource();
            var sampler = SampleAsync(probe, started, appended, samples, stopSampling.Token);

            await PacedWriters.RunAsync(engine, sessions, options, started, appended);
            var writing = Stopwatch.GetElapsedTime(started);
            var archivedWhileWriting = probe.ArchivedEvents;
            var (writes, writeSeconds) = probe.StoreWrites;
            var lagAtEnd = probe.SampleLag();
            await stopSampling.CancelAsync();
            await sampler;

            var drainStarted = Stopwatch.GetTimestamp();
            var drainLimit = TimeSpan.FromTicks(options.FlushInterval.Ticks * 10) + TimeSpan.FromSeconds(30);
            while (probe.SampleLag() > 0 && Stopwatch.GetElapsedTime(drainStarted) < drainLimit)
            {
                await Task.Delay(10);
            }

            var drain = probe.SampleLag() == 0 ? Stopwatch.GetElapsedTime(drainStarted).TotalSeconds : double.NaN;
            PrintSeconds(samples);
            Console.WriteLine($"    store writes while appending: {writes:N0}, {writeSeconds / Math.Max(writes, 1) * 1000:N0} ms each, the store busy {writeSeconds / writing.TotalSeconds:P0} of the time");
            if (!double.IsNaN(drain))
            {
                await VerifyArchivedAsync(engine, store, appended[0]); // once drained, the archive must hold every append
            }
            else
            {
                Console.WriteLine($"    not drained after {drainLimit.TotalSeconds:N0} s: {probe.SampleLag():N0} events still un-archived");
            }

            var lags = samples.Select(s => s.Lag).Order().ToArray();
            return new KeepUpResult(appended[0] / writing.TotalSeconds, archivedWhileWriting / writing.TotalSeconds,
                Percentile(lags, 0.50), Percentile(lags, 0.99), lags.Length == 0 ? 0 : lags[^1], Slope(samples.Select(s => (s.Seconds, (double)s.Lag)).ToList()),
                lagAtEnd, drain);
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
            await ArchiveLoad.DropAsync(options.StoreOptions, name);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task SampleAsync(ArchiveMeterProbe probe, long started, long[] appended, List<(double, long, long, long)> samples, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                samples.Add((Stopwatch.GetElapsedTime(started).TotalSeconds, probe.SampleLag(), Interlocked.Read(ref appended[0]), probe.ArchivedEvents));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One line per second: appends and archive confirmations in that second, and the lag at its end.</summary>
    private static void PrintSeconds(List<(double Seconds, long Lag, long Appended, long Archived)> samples)
    {
        var previous = (Seconds: 0.0, Lag: 0L, Appended: 0L, Archived: 0L);
        foreach (var sample in samples.Where((_, i) => i % 10 == 9))
        {
            Console.WriteLine($"    {sample.Seconds,5:N1} s  appended {sample.Appended - previous.Appended,7:N0}  archived {sample.Archived - previous.Archived,7:N0}  lag {sample.Lag,7:N0}");
            previous = sample;
        }
    }

    /// <summary>A keep-up figure is worthless if the archive does not hold what was appended: every session must be
    /// confirmed up to its last seq, in the engine and in the store.</summary>
    private static async Task VerifyArchivedAsync(StarciteEngine engine, IArchiveStore store, long appended)
    {
        long engineLast = 0, engineArchived = 0, storeArchived = 0;
        for (string? cursor = null; ;)
        {
            var page = await engine.ListSessionsAsync(new SessionQuery { Limit = SessionQuery.MaxLimit, Cursor = cursor });
            engineLast += page.Sessions.Sum(s => s.LastSeq);
            engineArchived += page.Sessions.Sum(s => s.ArchivedSeq);
            if ((cursor = page.NextCursor) is null)
            {
                break;
            }
        }

        for (string? after = null; ;)
        {
            var page = await store.ListSessionsAsync(after, 1000, CancellationToken.None);
            storeArchived += page.Sessions.Sum(s => s.ArchivedSeq);
            if ((after = page.NextCursor) is null)
            {
                break;
            }
        }

        if (engineLast != appended || engineArchived != appended || storeArchived != appended)
        {
            throw new InvalidOperationException($"appended {appended}, but the engine holds {engineLast} (archived {engineArchived}) and the store confirms {storeArchived}");
        }
    }

    private static long Percentile(long[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
        var covariance = points.Sum(p => (p.X - mx) * (p.Y - my));
        var variance = points.Sum(p => (p.X - mx) * (p.X - mx));
        return variance == 0 ? 0 : covariance / variance;
    }
}
