using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Faster;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Appends as fast as W writers can over S sessions for a fixed time, and the same load on the bare tuned FasterLog
/// (enqueue + wait for commit, no Starcite) as the baseline, alternating rounds so machine noise hits both alike.
/// </summary>
internal static class AppendLoad
{
    public static async Task RunAsync(LoadOptions options)
    {
        Console.WriteLine($"append load: {options.Writers} writers, {options.Sessions} sessions, {options.PayloadBytes} B payloads, {options.Seconds} s x {options.Rounds} rounds");
        var baseline = new List<LatencySummary>();
        var starcite = new List<LatencySummary>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var raw = await RawFasterLogAsync(options);
            Console.WriteLine($"  round {round} baseline (FasterLog) {raw}");
            var engine = await StarciteAsync(options);
            Console.WriteLine($"  round {round} Starcite            {engine}");
            baseline.Add(raw);
            starcite.Add(engine);
        }

        var b = ClosedLoop.MedianByThroughput(baseline);
        var s = ClosedLoop.MedianByThroughput(starcite);
        Console.WriteLine($"median baseline (FasterLog) {b}");
        Console.WriteLine($"median Starcite            {s}");
        Console.WriteLine($"Starcite/baseline throughput {s.PerSecond / b.PerSecond:P0}, p99 {s.P99 / b.P99:F2}x");
    }

    private static async Task<LatencySummary> StarciteAsync(LoadOptions options)
    {
        var directory = options.DataDirectory("append");
        var payload = Payloads.OfSize(options.PayloadBytes);
        try
        {
            await using var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = directory });
            var sessions = new string[options.Sessions];
            for (var i = 0; i < sessions.Length; i++)
            {
                sessions[i] = (await engine.CreateSessionAsync(new CreateSessionRequest { Id = $"load-{i}" })).Session.Id;
            }

            // Writer w cycles through the sessions s with s % W == w (or shares session w % S when there are fewer
            // sessions than writers); its producer id is its own, so its producer_seq counts per session.
            var owned = Enumerable.Range(0, options.Writers)
                .Select(w => sessions.Where((_, i) => i % options.Writers == w).DefaultIfEmpty(sessions[w % sessions.Length]).ToArray())
                .ToArray();
            var producerSeqs = owned.Select(mine => new long[mine.Length]).ToArray();
            return await ClosedLoop.RunAsync(options.Writers, TimeSpan.FromSeconds(options.Seconds), async (writer, n) =>
            {
                var slot = (int)(n % owned[writer].Length);
                var result = await engine.AppendAsync(owned[writer][slot], new AppendRequest
                {
                    Type = "content",
                    Payload = payload,
                    Actor = "agent:load",
                    ProducerId = $"w{writer}",
                    ProducerSeq = ++producerSeqs[writer][slot],
                });
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"append failed: {result.Status}");
                }
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<LatencySummary> RawFasterLogAsync(LoadOptions options)
    {
        var directory = options.DataDirectory("baseline");
        var record = Payloads.OfSize(options.PayloadBytes + 80); // about a Starcite record's size
        try
        {
            var log = FasterEventLog.Open(directory, new StorageOptions(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            await using (log)
            {
                return await ClosedLoop.RunAsync(options.Writers, TimeSpan.FromSeconds(options.Seconds), async (_, _) =>
                {
                    long address;
                    while (!log.TryAppend(record, out address))
                    {
                        await log.WaitForRoomAsync(CancellationToken.None);
                    }

                    await log.WaitForCommitAsync(address, CancellationToken.None);
                });
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

}
