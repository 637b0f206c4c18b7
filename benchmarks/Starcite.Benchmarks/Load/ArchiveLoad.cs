using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;
using Starcite.Archive;
using Starcite.Archive.PostgreSql;
using Starcite.Archive.S3;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Archive adapter throughput against a local PostgreSQL or s3rver. <c>archive-write</c>: N events over S sessions,
/// written as the archiver would, each WriteAsync carrying the next K events of every session. <c>archive-read</c>:
/// one session of N events read from cursor 0 in pages, by a fresh store (cold caches). Each round uses a new schema
/// or prefix; the median of the rounds is the figure.
/// </summary>
internal static class ArchiveLoad
{
    public static async Task WriteAsync(ArchiveLoadOptions options)
    {
        var methods = options.Store == "postgres" && options.Method == "all" ? new[] { "unnest", "copy-staged", "copy" } : [options.Method];
        Console.WriteLine($"archive-write: {options.Store}{(options.Store == "s3" ? $" ({options.Chunk} events/chunk)" : "")}, {options.Events:N0} events over " +
                          $"{options.Sessions} sessions, {options.PayloadBytes} B payloads, {options.PerWrite} events per session per write, {options.Rounds} rounds");
        var sessions = Build(options.Sessions, options.Events / options.Sessions, options.PayloadBytes);
        var results = methods.ToDictionary(m => m, _ => new List<double>());
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var method in methods)
            {
                var name = Unique();
                var store = Open(options, name, method);
                await using var lifetime = (IAsyncDisposable)store;
                var started = Stopwatch.GetTimestamp();
                var written = 0L;
                for (var from = 0; from < sessions[0].Count; from += options.PerWrite)
                {
                    var batch = sessions.Select(events => Slice(events, from, options.PerWrite)).ToList();
                    await store.WriteAsync(batch, CancellationToken.None);
                    written += batch.Sum(b => b.Events.Count);
                }

                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                results[method].Add(written / seconds);
                Console.WriteLine($"  round {round} {Label(options, method),-20} {written / seconds,10:N0} events/s  {written * options.PayloadBytes / seconds / (1 << 20),6:N1} MiB/s payload  ({seconds:N2} s)");
                await DropAsync(options, name);
            }
        }

        foreach (var (method, rates) in results)
        {
            Console.WriteLine($"median {Label(options, method),-20} {Median(rates),10:N0} events/s");
        }
    }

    public static async Task ReadAsync(ArchiveLoadOptions options)
    {
        Console.WriteLine($"archive-read: {options.Store}{(options.Store == "s3" ? $" ({options.Chunk} events/chunk)" : "")}, one session of " +
                          $"{options.Events:N0} events, {options.PayloadBytes} B payloads, pages of {options.Page}, {options.Rounds} rounds");
        var name = Unique();
        var events = Build(1, options.Events, options.PayloadBytes)[0];
        var writer = Open(options, name, options.Method);
        await using ((IAsyncDisposable)writer)
        {
            for (var from = 0; from < events.Count; from += 1000)
            {
                await writer.WriteAsync([Slice(events, from, 1000)], CancellationToken.None);
            }
        }

        var rates = new List<double>();
        var baseline = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var store = Open(options, name, options.Method);
            await using var lifetime = (IAsyncDisposable)store;
            var started = Stopwatch.GetTimestamp();
            long cursor = 0, read = 0;
            while (true)
            {
                var page = await store.ReadEventsAsync(events[0].SessionId, cursor, options.Page, CancellationToken.None);
                if (page.Count == 0)
                {
                    break;
                }

                read += page.Count;
                cursor = page[^1].Seq;
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (read != events.Count)
            {
                throw new InvalidOperationException($"read {read} events, expected {events.Count}");
            }

            rates.Add(read / seconds);
            var raw = options.Store == "s3" ? await RawGetAsync(name, events.Count) : (double?)null;
            if (raw is { } r)
            {
                baseline.Add(r);
            }

            Console.WriteLine($"  round {round} {read / seconds,10:N0} events/s  ({seconds:N2} s)" +
                              (raw is null ? "" : $"   baseline raw GET of the same objects {raw,10:N0} events/s"));
        }

        Console.WriteLine($"median {Median(rates),10:N0} events/s" +
                          (baseline.Count == 0 ? "" : $"   baseline {Median(baseline),10:N0} events/s ({Median(rates) / Median(baseline):P0})"));
        await DropAsync(options, name);
    }

    /// <summary>
    /// The server's ceiling for the same read: GET every chunk object of the session (as bytes, nothing decoded), with as
    /// many requests in flight as the store keeps (read-ahead + 1). Keys are listed before timing starts.
    /// </summary>
    private static async Task<double> RawGetAsync(string name, int events)
    {
        using var client = new AmazonS3Client(
            new BasicAWSCredentials(ArchiveLoadOptions.Require("TEST_S3_ACCESS_KEY"), ArchiveLoadOptions.Require("TEST_S3_SECRET_KEY")),
            new AmazonS3Config
            {
                ServiceURL = ArchiveLoadOptions.Require("TEST_S3_ENDPOINT"),
                ForcePathStyle = true,
                AuthenticationRegion = ArchiveLoadOptions.Require("TEST_S3_REGION"),
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });
        var bucket = ArchiveLoadOptions.Require("TEST_S3_BUCKET");
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = $"bench/{name}/events/", ContinuationToken = token });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = S3ArchiveOptions.DefaultReadAheadChunks + 1 }, async (key, ct) =>
        {
            using var response = await client.GetObjectAsync(bucket, key, ct);
            await response.ResponseStream.CopyToAsync(Stream.Null, ct);
        });
        return events / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>A store on the server the TEST_* variables name: schema <paramref name="name"/> (PostgreSQL) or prefix <c>bench/name/</c> (S3).</summary>
    internal static IArchiveStore Open(ArchiveLoadOptions options, string name, string method) => options.Store switch
    {
        "postgres" => new PostgreSqlArchiveStore(new PostgreSqlArchiveOptions
        {
            ConnectionString = ArchiveLoadOptions.Require("TEST_PG_CONNECTION"),
            Schema = name,
            InsertMethod = method switch
            {
                "unnest" => EventInsertMethod.Unnest,
                "copy-staged" => EventInsertMethod.CopyStaged,
                _ => EventInsertMethod.Copy,
            },
        }),
        "s3" => new S3ArchiveStore(new S3ArchiveOptions
        {
            Bucket = ArchiveLoadOptions.Require("TEST_S3_BUCKET"),
            Endpoint = ArchiveLoadOptions.Require("TEST_S3_ENDPOINT"),
            Region = ArchiveLoadOptions.Require("TEST_S3_REGION"),
            AccessKeyId = ArchiveLoadOptions.Require("TEST_S3_ACCESS_KEY"),
            SecretAccessKey = ArchiveLoadOptions.Require("TEST_S3_SECRET_KEY"),
            ForcePathStyle = true,
            Prefix = $"bench/{name}/",
            EventsPerChunk = options.Chunk,
        }),
        _ => throw new ArgumentException($"--store must be postgres or s3, not '{options.Store}'"),
    };

    /// <summary>Drops a PostgreSQL round's schema (S3 rounds use fresh prefixes; the server's directory is temporary).</summary>
    internal static async Task DropAsync(ArchiveLoadOptions options, string name)
    {
        if (options.Store == "postgres")
        {
            await using var connection = new NpgsqlConnection(ArchiveLoadOptions.Require("TEST_PG_CONNECTION"));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA \"{name}\" CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static string Label(ArchiveLoadOptions options, string method) => options.Store == "postgres" ? $"postgres/{method}" : "s3";

    internal static string Unique() => "bench_" + Guid.NewGuid().ToString("N")[..12];

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Events are built before timing starts, so only the store's work is measured.</summary>
    private static List<List<SessionEvent>> Build(int sessions, int perSession, int payloadBytes)
    {
        var payload = Payloads.OfSize(payloadBytes);
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        return Enumerable.Range(0, sessions).Select(s =>
        {
            var id = $"load-{s:D4}";
            return Enumerable.Range(1, perSession).Select(seq => new SessionEvent(id, seq, "content", payload, "agent:load", "w1", seq, null,
                "{}"u8.ToArray(), "{}"u8.ToArray(), null, at.AddTicks(seq * 10L))).ToList();
        }).ToList();
    }

    private static ArchiveWrite Slice(List<SessionEvent> events, int from, int count)
    {
        var slice = events.GetRange(from, Math.Min(count, events.Count - from));
        var last = slice.Count > 0 ? slice[^1].Seq : from;
        var id = events[0].SessionId;
        return new ArchiveWrite(new SessionInfo(id, null, "{}"u8.ToArray(), null, last, last, events[0].InsertedAt, events[(int)last - 1].InsertedAt), slice);
    }
}
