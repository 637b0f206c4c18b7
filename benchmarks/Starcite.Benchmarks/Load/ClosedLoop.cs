using System.Diagnostics;

namespace Starcite.Benchmarks.Load;

/// <summary>The load modes' driver: N workers, each running its operation back to back, every call's latency recorded.</summary>
internal static class ClosedLoop
{
    /// <summary>Runs <paramref name="operation"/>(worker, n) on every worker in a loop for <paramref name="duration"/>.</summary>
    public static async Task<LatencySummary> RunAsync(int workers, TimeSpan duration, Func<int, long, ValueTask> operation)
    {
        var recorder = new LatencyRecorder(workers);
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                var t = Stopwatch.GetTimestamp();
                await operation(worker, n);
                recorder.Record(worker, t);
            }
        })));
        return recorder.Summarise(Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The round with the median throughput.</summary>
    public static LatencySummary MedianByThroughput(IReadOnlyList<LatencySummary> runs) => runs.OrderBy(run => run.PerSecond).ElementAt(runs.Count / 2);
}
