namespace Starcite.Replication;

/// <summary>A member's view of its Raft cluster at one moment.</summary>
/// <param name="Role">This member's role.</param>
/// <param name="LeaderEndPoint">The leader's Raft endpoint, or null during an election.</param>
/// <param name="LeaderClientUrl">The leader's API address, when it published one.</param>
/// <param name="Term">The current Raft term.</param>
/// <param name="CommitIndex">The highest entry this member knows to be committed.</param>
/// <param name="AppliedIndex">The highest entry this member has applied to its store.</param>
public sealed record ClusterStatus(ClusterRole Role, string? LeaderEndPoint, string? LeaderClientUrl, long Term, long CommitIndex, long AppliedIndex)
{
    /// <summary>True when a leader is known and this member has applied everything it knows to be committed.</summary>
    public bool IsReady => LeaderEndPoint is not null && AppliedIndex >= CommitIndex;
}

/// <summary>A member's role in its Raft cluster.</summary>
public enum ClusterRole
{
    /// <summary>No leader is known: an election is running or there is no quorum.</summary>
    Candidate = 0,

    /// <summary>Another member leads; writes are forwarded to it.</summary>
    Follower = 1,

    /// <summary>This member leads: it takes the writes.</summary>
    Leader = 2,
}
