using System.Globalization;

namespace Starcite.Benchmarks.Peers;

/// <summary>
/// <c>peers [--workloads w1,w2,w4,w5,w6] [--systems a,b] [--seconds 5] [--rounds 3] [--writers 64] [--sessions 1000]
/// [--replay-events 100000] [--fanout 1,100,1000] [--fanout-events 200] [--fanout-rate 50] [--idle-sessions 100000]
/// [--idle-events 10] [--payload 1024] [--doc docs/benchmarks.md|none] [--img docs/img/peers] [--command "..."]</c>
/// </summary>
internal sealed record PeerBenchOptions
{
    public IReadOnlySet<string> Workloads { get; init; } = new HashSet<string> { "w1", "w2", "w4", "w5", "w6" };

    /// <summary>Keys of the systems to run (see <see cref="PeerSystems"/>); all that are configured when empty.</summary>
    public IReadOnlySet<string> Systems { get; init; } = new HashSet<string>();

    public int Seconds { get; init; } = 5;

    public int Rounds { get; init; } = 3;

    public int Writers { get; init; } = 64;

    public int Sessions { get; init; } = 1000;

    public int ReplayEvents { get; init; } = 100_000;

    public IReadOnlyList<int> FanOut { get; init; } = [1, 100, 1000];

    public int FanOutEvents { get; init; } = 200;

    public int FanOutRate { get; init; } = 50;

    public int IdleSessions { get; init; } = 100_000;

    public int IdleEvents { get; init; } = 10;

    public int PayloadBytes { get; init; } = 1024;

    public string? Doc { get; init; }

    public string? ImageDirectory { get; init; }

    /// <summary>The command line to print in the report (the script passes its own).</summary>
    public string? Command { get; init; }

    public static PeerBenchOptions Parse(string[] args)
    {
        // The last occurrence wins, so arguments passed through scripts/bench-peers.sh override the script's own.
        string? Text(string name)
        {
            var at = Array.LastIndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        int Int(string name, int fallback) => Text(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        HashSet<string>? Set(string name) => Text(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var defaults = new PeerBenchOptions();
        return new PeerBenchOptions
        {
            Workloads = Set("workloads") ?? defaults.Workloads,
            Systems = Set("systems") ?? defaults.Systems,
            Seconds = Int("seconds", defaults.Seconds),
            Rounds = Int("rounds", defaults.Rounds),
            Writers = Int("writers", defaults.Writers),
            Sessions = Int("sessions", defaults.Sessions),
            ReplayEvents = Int("replay-events", defaults.ReplayEvents),
            FanOut = Text("fanout")?.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() ?? defaults.FanOut,
            FanOutEvents = Int("fanout-events", defaults.FanOutEvents),
            FanOutRate = Int("fanout-rate", defaults.FanOutRate),
            IdleSessions = Int("idle-sessions", defaults.IdleSessions),
            IdleEvents = Int("idle-events", defaults.IdleEvents),
            PayloadBytes = Int("payload", defaults.PayloadBytes),
            Doc = Text("doc") is "none" ? null : Text("doc"),
            ImageDirectory = Text("img"),
            Command = Text("command"),
        };
    }
}
