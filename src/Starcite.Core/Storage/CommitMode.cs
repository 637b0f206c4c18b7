namespace Starcite.Storage;

/// <summary>How the local log groups commits. Configuration value: never renumber.</summary>
public enum CommitMode
{
    /// <summary>Commit every write at once; concurrent writes share each fsync. Lowest latency.</summary>
    Latency = 0,

    /// <summary>Hold commits for up to 1 ms or 64 KiB to batch more writes per fsync. Higher throughput, about 3 ms more latency for a lone writer.</summary>
    Throughput = 1,
}
