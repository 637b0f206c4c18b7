using System.ComponentModel.DataAnnotations;

namespace Starcite.Replication;

/// <summary>
/// Raft cluster settings (contract §5). With no <see cref="Members"/> the engine runs on its local log alone; with
/// them, every write is committed by a Raft majority through DotNext.Net.Cluster before it is acknowledged.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>Default lower bound of the election timeout: 150 ms.</summary>
    public const int DefaultLowerElectionTimeoutMilliseconds = 150;

    /// <summary>Default upper bound of the election timeout: 300 ms.</summary>
    public const int DefaultUpperElectionTimeoutMilliseconds = 300;

    /// <summary>Default time an append waits for the cluster before it fails with <c>unavailable</c>: 2 s.</summary>
    public static readonly TimeSpan DefaultCommitTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Default time one Raft request (a heartbeat, a batch of entries, a snapshot) may take: 140 ms.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMilliseconds(140);

    /// <summary>Default largest number of appends the leader packs into one Raft entry.</summary>
    public const int DefaultMaxBatchCommands = 256;

    /// <summary>Default number of Raft entries the leader keeps in flight at once: one. Each entry costs WAL flushes on
    /// every member whatever its size, so under load one entry at a time, gathering every write that arrived meanwhile,
    /// beat four (docs/benchmarks.md, Cluster); a lone write still leaves at once.</summary>
    public const int DefaultMaxBatchesInFlight = 1;

    /// <summary>Default longest time an entry waits for the writes the previous entry answered to come back: 2 ms.</summary>
    public static readonly TimeSpan DefaultBatchLinger = TimeSpan.FromMilliseconds(2);

    /// <summary>The Raft endpoints of every member (<c>host:port</c>), the same list on every node. Empty: no cluster.</summary>
    public IList<string> Members { get; set; } = [];

    /// <summary>This node's Raft endpoint; one of <see cref="Members"/>.</summary>
    public string? Self { get; set; }

    /// <summary>The URL clients (and other nodes forwarding writes) reach this node's API on, published to the other
    /// members; for example <c>http://10.0.0.5:4000</c>. Optional for an embedded engine.</summary>
    public string? ClientUrl { get; set; }

    /// <summary>Lower bound of the randomised election timeout, in milliseconds.</summary>
    [Range(10, 60_000)]
    public int LowerElectionTimeoutMilliseconds { get; set; } = DefaultLowerElectionTimeoutMilliseconds;

    /// <summary>Upper bound of the randomised election timeout, in milliseconds.</summary>
    [Range(10, 60_000)]
    public int UpperElectionTimeoutMilliseconds { get; set; } = DefaultUpperElectionTimeoutMilliseconds;

    /// <summary>How long a write waits for a leader and a majority before it fails with <c>unavailable</c> (the write
    /// may still commit later; a retry with the same producer ids is deduplicated).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan CommitTimeout { get; set; } = DefaultCommitTimeout;

    /// <summary>How long one Raft request between members may take, a snapshot for a member far behind included (DotNext
    /// bounds each request, sending and applying it, by this). Below the lower election timeout; raise both for stores
    /// whose snapshot takes longer to send and install.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>The largest number of appends the leader packs into one Raft entry.</summary>
    [Range(1, 10_000)]
    public int MaxBatchCommands { get; set; } = DefaultMaxBatchCommands;

    /// <summary>How many Raft entries the leader keeps in flight at once.</summary>
    [Range(1, 64)]
    public int MaxBatchesInFlight { get; set; } = DefaultMaxBatchesInFlight;

    /// <summary>Group commit: after an entry of at least four writes is answered, how long the next entry may wait for as
    /// many writes to be queued (writers that wait for their ack come straight back, and each entry costs the same
    /// flushes whatever its size). A lone write never waits. Zero sends each entry as soon as a slot is free.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan BatchLinger { get; set; } = DefaultBatchLinger;

    /// <summary>True when the engine runs as a Raft cluster member.</summary>
    public bool IsEnabled => Members.Count > 0;
}
