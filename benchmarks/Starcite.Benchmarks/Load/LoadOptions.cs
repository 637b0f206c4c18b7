namespace Starcite.Benchmarks.Load;

/// <summary>Command-line settings of the load mode: <c>--writers 64 --sessions 1000 --payload 1024 --seconds 10</c>.</summary>
internal sealed record LoadOptions(int Writers, int Sessions, int PayloadBytes, int Seconds, int Events, int Rounds, string? Directory,
    int Rate, int Subscribers, Uri? Url, int Cluster, bool Spread, int Kills, bool Auth = false, bool HttpClient = false)
{
    public static LoadOptions Parse(string[] args)
    {
        int Int(string name, int fallback)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        }

        string? Text(string name)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        // --connections is the HTTP modes' name for --writers: one writer per connection.
        return new LoadOptions(Int("connections", Int("writers", 1)), Int("sessions", 1), Int("payload", 1024), Int("seconds", 10),
            Int("events", 100_000), Int("rounds", 3), Text("dir"), Int("rate", 1000), Int("subscribers", 1),
            Text("url") is { } url ? new Uri(url) : null, Int("cluster", 0), args.Contains("--spread"), Int("kills", 5), args.Contains("--auth"),
            args.Contains("--httpclient"));
    }

    public string DataDirectory(string name) =>
        Path.Combine(Directory ?? Path.Combine(Path.GetTempPath(), "starcite-load"), $"{name}-{Guid.NewGuid():N}");
}
