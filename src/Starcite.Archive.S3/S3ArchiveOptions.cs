using System.ComponentModel.DataAnnotations;

namespace Starcite.Archive.S3;

/// <summary>Options of an <see cref="S3ArchiveStore"/>. Validated by <see cref="S3ArchiveOptionsValidator"/>.</summary>
public sealed class S3ArchiveOptions
{
    /// <summary>The default region, also used to sign requests to a custom <see cref="Endpoint"/>.</summary>
    public const string DefaultRegion = "us-east-1";

    /// <summary>The default key prefix of every archive object.</summary>
    public const string DefaultPrefix = "starcite/";

    /// <summary>The default number of events per chunk object.</summary>
    public const int DefaultEventsPerChunk = 512;

    /// <summary>The default number of S3 requests one call keeps in flight.</summary>
    public const int DefaultMaxConcurrency = 16;

    /// <summary>The default number of chunks a read fetches ahead of the one it is decoding.</summary>
    public const int DefaultReadAheadChunks = 4;

    /// <summary>The default memory for the last chunk of recently written sessions (64 MiB).</summary>
    public const long DefaultWriteCacheBytes = 64L << 20;

    /// <summary>The default memory for complete chunks recently read or fetched ahead (64 MiB).</summary>
    public const long DefaultReadCacheBytes = 64L << 20;

    /// <summary>The default number of retries the SDK makes after a failed request.</summary>
    public const int DefaultMaxErrorRetry = 2;

    /// <summary>The default time one S3 request may take before it fails.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The bucket; it must exist.</summary>
    [Required(ErrorMessage = "Bucket is required: the name of an existing bucket.")]
    public string Bucket { get; set; } = string.Empty;

    /// <summary>The AWS region of the bucket; with a custom <see cref="Endpoint"/>, the region requests are signed for.</summary>
    [Required(ErrorMessage = "Region is required, for example 'us-east-1'.")]
    public string Region { get; set; } = DefaultRegion;

    /// <summary>A custom endpoint URL for S3-compatible storage, for example <c>http://127.0.0.1:4568</c>; null for AWS.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The access key id; null (with <see cref="SecretAccessKey"/>) for the SDK's default credential chain.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key; set exactly when <see cref="AccessKeyId"/> is.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Prepended to every object key; empty or ending in <c>/</c>, for example <c>starcite/prod/</c>.</summary>
    public string Prefix { get; set; } = DefaultPrefix;

    /// <summary>Addresses the bucket in the path (<c>http://host/bucket/key</c>) rather than the host name; most
    /// S3-compatible servers need it.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Events per chunk object. Fixed for a prefix once its first write stored it in <c>layout.json</c>; a different
    /// value here is then ignored with a warning. Larger chunks mean fewer reads, but a partial chunk is rewritten in
    /// full by every write that extends it.
    /// </summary>
    [Range(1, 100_000)]
    public int EventsPerChunk { get; set; } = DefaultEventsPerChunk;

    /// <summary>S3 requests one write, read or listing keeps in flight.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    /// <summary>Chunks a read fetches ahead of the one it is decoding (0 disables read-ahead).</summary>
    [Range(0, 64)]
    public int ReadAheadChunks { get; set; } = DefaultReadAheadChunks;

    /// <summary>Memory for the last chunk of recently written sessions, which spares a GET before extending it.</summary>
    [Range(0, 1L << 40)]
    public long WriteCacheBytes { get; set; } = DefaultWriteCacheBytes;

    /// <summary>Memory for complete (immutable) chunks recently read or fetched ahead.</summary>
    [Range(0, 1L << 40)]
    public long ReadCacheBytes { get; set; } = DefaultReadCacheBytes;

    /// <summary>The longest one S3 request may take; with <see cref="MaxErrorRetry"/> it bounds how long a call can hang.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>Retries of a failed request inside the SDK, before the call fails.</summary>
    [Range(0, 10)]
    public int MaxErrorRetry { get; set; } = DefaultMaxErrorRetry;
}
