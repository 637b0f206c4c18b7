namespace Starcite.Benchmarks.Load;

/// <summary>
/// One <c>archive-keepup</c> run. Lag figures are in events (sum over sessions of last_seq - archived_seq), sampled every
/// 100 ms while the writers ran; <see cref="LagGrowth"/> is the least-squares slope of those samples (events per second:
/// near zero when the archiver keeps up); <see cref="DrainSeconds"/> is NaN when the lag did not reach zero in time.
/// </summary>
internal sealed record KeepUpResult(
    double AppendsPerSecond, double ArchivedPerSecond, long LagMedian, long LagP99, long LagMax, double LagGrowth, long LagAtEnd, double DrainSeconds)
{
    public override string ToString() =>
        $"{AppendsPerSecond,8:N0} appends/s  {ArchivedPerSecond,8:N0} archived/s  lag median {LagMedian,7:N0}  p99 {LagP99,7:N0}  max {LagMax,7:N0}  " +
        $"growth {LagGrowth,7:N0}/s  at end {LagAtEnd,7:N0}  drained in {(double.IsNaN(DrainSeconds) ? "(not drained)" : $"{DrainSeconds:N2} s")}";

    public static KeepUpResult Median(IReadOnlyList<KeepUpResult> runs)
    {
        double M(Func<KeepUpResult, double> figure) => runs.Select(figure).Order().ElementAt(runs.Count / 2);
        return new KeepUpResult(M(r => r.AppendsPerSecond), M(r => r.ArchivedPerSecond), (long)M(r => r.LagMedian), (long)M(r => r.LagP99),
            (long)M(r => r.LagMax), M(r => r.LagGrowth), (long)M(r => r.LagAtEnd), M(r => double.IsNaN(r.DrainSeconds) ? double.PositiveInfinity : r.DrainSeconds));
    }
}
