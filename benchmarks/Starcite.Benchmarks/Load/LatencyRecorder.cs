using System.Diagnostics;

namespace Starcite.Benchmarks.Load;

/// <summary>Per-worker latency samples (in Stopwatch ticks), merged once at the end: no locks on the measured path.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long>[] _perWorker;

    public LatencyRecorder(int workers)
    {
        _perWorker = Enumerable.Range(0, workers).Select(_ => new List<long>(1 << 16)).ToArray();
    }

    public void Record(int worker, long startTimestamp) => _perWorker[worker].Add(Stopwatch.GetTimestamp() - startTimestamp);

    public LatencySummary Summarise(TimeSpan elapsed) => Merge(_perWorker, elapsed);

    /// <summary>Summarises latency samples (Stopwatch ticks) collected elsewhere, for example one list per subscriber.</summary>
    public static LatencySummary Merge(IEnumerable<List<long>> samples, TimeSpan elapsed)
    {
        var all = samples.SelectMany(list => list).ToArray();
        Array.Sort(all);
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        return new LatencySummary(all.Length, all.Length / elapsed.TotalSeconds, Percentile(0.50), Percentile(0.99), Percentile(0.999));
    }
}

/// <summary>Operations, operations per second, and latency percentiles in milliseconds.</summary>
internal readonly record struct LatencySummary(long Count, double PerSecond, double P50, double P99, double P999)
{
    public override string ToString() => $"{PerSecond,10:N0} ops/s  p50 {P50,7:F3} ms  p99 {P99,7:F3} ms  p999 {P999,7:F3} ms  (n={Count:N0})";
}
