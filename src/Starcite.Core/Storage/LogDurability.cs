namespace Starcite.Storage;

/// <summary>When the event log's writes reach stable storage.</summary>
internal enum LogDurability
{
    /// <summary>Every write is on stable storage when it completes (O_SYNC), so a commit carries an ack's durability.
    /// A single node's store: its log is the only copy.</summary>
    EveryWrite,

    /// <summary>
    /// Writes land in the page cache and reach the disk at durable points: every 1,000 commits, each checkpoint, and a
    /// clean close. A reopened log rolls back to its latest durable point. For a store whose durability is another log's:
    /// a cluster member's Raft WAL holds every entry the store has not made durable, and replays them.
    /// </summary>
    DurablePoints,
}
