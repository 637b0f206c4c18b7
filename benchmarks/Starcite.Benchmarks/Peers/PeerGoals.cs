using System.Globalization;
using System.Text;

namespace Starcite.Benchmarks.Peers;

/// <summary>
/// The issue's goals, checked against this run: Starcite ahead of every peer of its durability class on W1 p99 and W2
/// throughput, and over HTTP at least level with Redis <c>appendfsync always</c> on throughput with a lower p99.
/// </summary>
internal static class PeerGoals
{
    public static void Append(StringBuilder md, PeerResults results)
    {
        var starcite = new[] { "starcite-embedded", "starcite-http" };
        var peers = results.Systems.Where(s => !starcite.Contains(s.Key)).ToList();
        var lines = new List<string>();
        foreach (var s in results.Systems.Where(s => starcite.Contains(s.Key)))
        {
            foreach (var peer in peers.Where(p => p.Durability == s.Durability))
            {
                if (results.W1.TryGetValue(s.Key, out var w1) && results.W1.TryGetValue(peer.Key, out var w1Peer))
                {
                    var (a, b) = (PeerResults.Median(w1).P99, PeerResults.Median(w1Peer).P99);
                    lines.Add(Line($"W1 p99, {s.Name} vs {peer.Name}", $"{a:F3} ms vs {b:F3} ms ({b / a:F2}x lower)", a < b));
                }

                if (results.W2.TryGetValue(s.Key, out var w2) && results.W2.TryGetValue(peer.Key, out var w2Peer))
                {
                    var (a, b) = (PeerResults.Median(w2).PerSecond, PeerResults.Median(w2Peer).PerSecond);
                    lines.Add(Line($"W2 throughput, {s.Name} vs {peer.Name}", $"{a:N0}/s vs {b:N0}/s ({a / b:F2}x)", a > b));
                    if (s.Key == "starcite-http" && peer.Key == "redis-always")
                    {
                        var (p, q) = (PeerResults.Median(w2).P99, PeerResults.Median(w2Peer).P99);
                        lines.Add(Line($"W2 p99, {s.Name} vs {peer.Name}", $"{p:F3} ms vs {q:F3} ms", p < q));
                    }
                }
            }
        }

        if (lines.Count == 0)
        {
            return;
        }

        md.AppendLine("### Goals against peers of the same durability class");
        md.AppendLine();
        md.AppendLine("| goal | this run | met |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var line in lines)
        {
            md.AppendLine(line);
        }

        md.AppendLine();
    }

    private static string Line(string goal, string figures, bool met) =>
        string.Create(CultureInfo.InvariantCulture, $"| {goal} | {figures} | {(met ? "yes" : "**no**")} |");
}
