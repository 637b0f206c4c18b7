using Starcite.Benchmarks.Load;

namespace Starcite.Benchmarks.Peers;

/// <summary>Everything one run measured, per system (keyed by the system's key), for the report and the charts.</summary>
internal sealed class PeerResults
{
    public List<SystemInfo> Systems { get; } = [];

    /// <summary>W1 and W2: one latency summary per round.</summary>
    public Dictionary<string, List<LatencySummary>> W1 { get; } = [];

    public Dictionary<string, List<LatencySummary>> W2 { get; } = [];

    /// <summary>W2: CPU microseconds per acknowledged append, in the server's processes and in this (client) process.</summary>
    public Dictionary<string, List<(double Server, double Client)>> W2Cpu { get; } = [];

    /// <summary>W4: events/s per round, through the subscription and (where the system has range reads) history pages.</summary>
    public Dictionary<string, List<double>> W4Subscribe { get; } = [];

    public Dictionary<string, List<double>> W4Pages { get; } = [];

    /// <summary>W5: per subscriber count, delivery latency over every delivery.</summary>
    public Dictionary<string, SortedDictionary<int, LatencySummary>> W5 { get; } = [];

    /// <summary>W6: growth of server memory and disk.</summary>
    public Dictionary<string, ResourceUsage> W6 { get; } = [];

    public static T Median<T>(IEnumerable<T> values) where T : IComparable<T>
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>The median of each figure across rounds, taken separately.</summary>
    public static LatencySummary Median(IReadOnlyList<LatencySummary> rounds) => new(
        rounds.Sum(r => r.Count), Median(rounds.Select(r => r.PerSecond)), Median(rounds.Select(r => r.P50)),
        Median(rounds.Select(r => r.P99)), Median(rounds.Select(r => r.P999)));
}

internal sealed record SystemInfo(string Key, string Name, Durability Durability, string Description);
