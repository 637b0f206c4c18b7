using System.ComponentModel.DataAnnotations;

namespace Starcite.Tailing;

/// <summary>Read and tail settings.</summary>
public sealed class TailOptions
{
    /// <summary>Default number of events a reader fetches from storage at a time.</summary>
    public const int DefaultReadBatchSize = 1000;

    /// <summary>Default number of recent events kept in memory for each session that has a live reader.</summary>
    public const int DefaultRecentEventsPerSession = 1024;

    /// <summary>How many events a reader fetches from storage at a time.</summary>
    [Range(1, 10_000)]
    public int ReadBatchSize { get; set; } = DefaultReadBatchSize;

    /// <summary>
    /// How many recent events stay in memory for a session while it has at least one live reader, so fan-out to many
    /// readers does not touch storage. Sessions without readers keep none.
    /// </summary>
    [Range(0, 1 << 20)]
    public int RecentEventsPerSession { get; set; } = DefaultRecentEventsPerSession;
}
