using System.ComponentModel.DataAnnotations;

namespace Starcite.Archive;

/// <summary>
/// How committed history moves to the archive (contract §5): in batches every <see cref="FlushInterval"/>, with
/// un-archived data capped by <see cref="EventStoreMaxSize"/>, and archived events leaving local storage after
/// <see cref="LocalRetention"/>. Used only when the engine is given an <see cref="IArchiveStore"/>.
/// </summary>
public sealed class ArchiveOptions
{
    /// <summary>Default time between archive flushes: 1 s.</summary>
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Default time archived events stay in local storage: 1 hour.</summary>
    public static readonly TimeSpan DefaultLocalRetention = TimeSpan.FromHours(1);

    /// <summary>Default longest wait between retries while the archive fails: 30 s.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Default cap on un-archived data when an archive is configured: 2 GiB, as the original Starcite.</summary>
    public const string DefaultEventStoreMaxSize = "2GB";

    /// <summary>Default most events one archive write carries.</summary>
    public const int DefaultMaxBatchEvents = 10_000;

    /// <summary>Default most archived events kept in memory for reads that reach archived ranges.</summary>
    public const int DefaultReadCacheEvents = 20_000;

    /// <summary>How often the archiver copies new committed events to the archive (<c>STARCITE_ARCHIVE_FLUSH_INTERVAL_MS</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan FlushInterval { get; set; } = DefaultFlushInterval;

    /// <summary>The most events one archive write carries; a larger backlog is written in several.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchEvents { get; set; } = DefaultMaxBatchEvents;

    /// <summary>
    /// The most un-archived data (event records not yet confirmed by the archive) before appends are refused with
    /// <c>event_store_backpressure</c> (<c>STARCITE_EVENT_STORE_MAX_SIZE</c>): a number of bytes with an optional unit,
    /// <c>B</c>, <c>K</c>/<c>KB</c>/<c>KiB</c>, <c>M</c>/<c>MB</c>, <c>G</c>/<c>GB</c> or <c>T</c>/<c>TB</c> (binary
    /// multiples; a bare number means megabytes, as in the original Starcite). Empty: no limit.
    /// </summary>
    public string? EventStoreMaxSize { get; set; } = DefaultEventStoreMaxSize;

    /// <summary>How long archived events stay in local storage before their space is reclaimed; reads of older
    /// events go through the archive. <see cref="TimeSpan.MaxValue"/> keeps everything local.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807")]
    public TimeSpan LocalRetention { get; set; } = DefaultLocalRetention;

    /// <summary>How many archived events are kept in memory for reads that reach archived ranges (0: none).</summary>
    [Range(0, 10_000_000)]
    public int ReadCacheEvents { get; set; } = DefaultReadCacheEvents;

    /// <summary>The longest wait between retries while the archive keeps failing (the first retry comes after 100 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = DefaultMaxRetryDelay;
}
