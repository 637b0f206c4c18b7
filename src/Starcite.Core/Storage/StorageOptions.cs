using System.ComponentModel.DataAnnotations;

namespace Starcite.Storage;

/// <summary>Local storage settings: the durable event log, its index and checkpoints.</summary>
public sealed class StorageOptions
{
    /// <summary>Default log page size: 4 MiB.</summary>
    public const long DefaultPageSize = 4L << 20;

    /// <summary>Default in-memory log ring: 32 MiB.</summary>
    public const long DefaultMemorySize = 32L << 20;

    /// <summary>Default log segment file size: 256 MiB.</summary>
    public const long DefaultSegmentSize = 256L << 20;

    /// <summary>Default in-memory part of the index: 64 MiB.</summary>
    public const long DefaultIndexMemorySize = 64L << 20;

    /// <summary>Default number of index hash buckets: 2^20.</summary>
    public const long DefaultIndexBuckets = 1L << 20;

    /// <summary>Default time between checkpoints.</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(60);

    /// <summary>Default safety commit interval.</summary>
    public static readonly TimeSpan DefaultSafetyCommitInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Log page size in bytes; a power of two. An event must fit in one page.</summary>
    [Range(1L << 16, 1L << 30)]
    public long PageSize { get; set; } = DefaultPageSize;

    /// <summary>Memory for the log's in-memory ring in bytes; a power of two, at least two pages.</summary>
    [Range(1L << 17, 1L << 36)]
    public long MemorySize { get; set; } = DefaultMemorySize;

    /// <summary>Size of each log segment file in bytes; a power of two, at least one page.</summary>
    [Range(1L << 20, 1L << 36)]
    public long SegmentSize { get; set; } = DefaultSegmentSize;

    /// <summary>Memory for the index's in-memory part in bytes; a power of two.</summary>
    [Range(1L << 16, 1L << 36)]
    public long IndexMemorySize { get; set; } = DefaultIndexMemorySize;

    /// <summary>Number of index hash buckets (64 bytes each); a power of two.</summary>
    [Range(1L << 10, 1L << 30)]
    public long IndexBuckets { get; set; } = DefaultIndexBuckets;

    /// <summary>How appends are committed. <see cref="CommitMode.Latency"/> (default) commits each write at once.</summary>
    public CommitMode CommitMode { get; set; } = CommitMode.Latency;

    /// <summary>How often a safety commit runs when uncommitted data is waiting (it rescues a commit a policy dropped).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan SafetyCommitInterval { get; set; } = DefaultSafetyCommitInterval;

    /// <summary>How often a checkpoint bounds restart time. Checkpoints are skipped while the log has not grown.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = DefaultCheckpointInterval;
}
