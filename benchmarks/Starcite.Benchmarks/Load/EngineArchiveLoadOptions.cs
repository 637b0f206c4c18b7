using System.Globalization;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Settings of the end-to-end archive modes (an engine in process with a real store).
/// <c>archive-keepup --store postgres|s3 --rate 20000 --seconds 30 --sessions 1000 --payload 1024 --writers 64 [--flush-ms 1000] [--rounds 1]</c>;
/// <c>archive-replay --store postgres|s3 --events 100000 --payload 1024 --page 1000 --rounds 5</c>. Also <c>--method</c>
/// (PostgreSQL insert method, default copy), <c>--chunk N</c> (S3 events per chunk) and <c>--dir PATH</c> (data directories).
/// </summary>
internal sealed record EngineArchiveLoadOptions(
    string Store, int Rate, int Seconds, int Sessions, int PayloadBytes, int Writers, int FlushMilliseconds,
    int Events, int Page, int Rounds, string Method, int Chunk, string? Directory)
{
    public static EngineArchiveLoadOptions Parse(string[] args, int defaultRounds)
    {
        string? Text(string name)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        int Int(string name, int fallback) => Text(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        return new EngineArchiveLoadOptions(Text("store") ?? "postgres", Int("rate", 20_000), Int("seconds", 30), Int("sessions", 1000),
            Int("payload", 1024), Int("writers", 64), Int("flush-ms", (int)Archive.ArchiveOptions.DefaultFlushInterval.TotalMilliseconds),
            Int("events", 100_000), Int("page", 1000), Int("rounds", defaultRounds), Text("method") ?? "copy",
            Int("chunk", Archive.S3.S3ArchiveOptions.DefaultEventsPerChunk), Text("dir"));
    }

    public TimeSpan FlushInterval => TimeSpan.FromMilliseconds(FlushMilliseconds);

    /// <summary>The same store settings in the form the adapter-only modes use, to open stores the same way.</summary>
    public ArchiveLoadOptions StoreOptions => new(Store, Events, Sessions, PayloadBytes, PerWrite: 0, Page, Rounds, Method, Chunk);

    public string DataDirectory(string name) =>
        Path.Combine(Directory ?? Path.Combine(Path.GetTempPath(), "starcite-load"), $"{name}-{Guid.NewGuid():N}");
}
