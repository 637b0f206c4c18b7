using System.Globalization;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Settings of <c>load archive-write|archive-read</c>: <c>--store postgres|s3 --events 100000 --sessions 100 --payload 1024
/// --per-write 100 --rounds 5</c>, plus <c>--method copy|copy-staged|unnest|all</c> (PostgreSQL; default copy) and <c>--chunk N</c>
/// (S3 events per chunk).
/// The servers come from the TEST_PG_CONNECTION / TEST_S3_* variables that scripts/test-infra.sh exports.
/// </summary>
internal sealed record ArchiveLoadOptions(string Store, int Events, int Sessions, int PayloadBytes, int PerWrite, int Page, int Rounds, string Method, int Chunk)
{
    public static ArchiveLoadOptions Parse(string[] args)
    {
        string Text(string name, string fallback)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new ArchiveLoadOptions(Text("store", "postgres"), Int("events", 100_000), Int("sessions", 100), Int("payload", 1024),
            Int("per-write", 100), Int("page", 1000), Int("rounds", 5), Text("method", "copy"), Int("chunk", Starcite.Archive.S3.S3ArchiveOptions.DefaultEventsPerChunk));
    }

    public static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: run through scripts/bench-archive.sh, or `source scripts/test-infra.sh && infra_install && infra_up` first.");
}
