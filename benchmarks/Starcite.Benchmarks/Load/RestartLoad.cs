using System.Diagnostics;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Restart time against history size: for N events over 100 sessions, the time to reopen after a clean stop (a
/// checkpoint covers everything) and after the checkpoints are deleted (the whole log is replayed, as after a crash
/// before the first checkpoint). The first must stay flat as N grows; the second may grow linearly, no faster.
/// </summary>
internal static class RestartLoad
{
    public static async Task RunAsync(LoadOptions options)
    {
        Console.WriteLine($"restart load: {options.PayloadBytes} B payloads, 100 sessions, median of {options.Rounds} reopens");
        foreach (var events in new[] { options.Events / 4, options.Events / 2, options.Events })
        {
            var directory = options.DataDirectory("restart");
            try
            {
                await FillAsync(directory, events, Payloads.OfSize(options.PayloadBytes));
                var checkpointed = await MedianReopenAsync(directory, options.Rounds, wipeCheckpoints: false);
                var replayed = await MedianReopenAsync(directory, options.Rounds, wipeCheckpoints: true);
                Console.WriteLine($"  {events,9:N0} events: reopen after checkpoint {checkpointed,8:F1} ms   full replay {replayed,8:F1} ms ({events / replayed * 1000,10:N0} events/s)");
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task FillAsync(string directory, int events, byte[] payload)
    {
        await using var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = directory });
        for (var s = 0; s < 100; s++)
        {
            await engine.CreateSessionAsync(new CreateSessionRequest { Id = $"s{s}" });
        }

        await Task.WhenAll(Enumerable.Range(0, 100).Select(s => Task.Run(async () =>
        {
            for (var n = 1; n <= events / 100; n++)
            {
                await engine.AppendAsync($"s{s}", new AppendRequest { Type = "content", Payload = payload, Actor = "agent:load", ProducerId = "p", ProducerSeq = n });
            }
        })));
    }

    private static async Task<double> MedianReopenAsync(string directory, int rounds, bool wipeCheckpoints)
    {
        var times = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            if (wipeCheckpoints)
            {
                Directory.Delete(Path.Combine(directory, "checkpoints"), recursive: true);
                Directory.Delete(Path.Combine(directory, "index"), recursive: true);
            }

            var started = Stopwatch.GetTimestamp();
            var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = directory });
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await engine.DisposeAsync();
        }

        return times.Order().ElementAt(times.Count / 2);
    }
}
