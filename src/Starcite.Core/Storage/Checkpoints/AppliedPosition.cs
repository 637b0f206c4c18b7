namespace Starcite.Storage.Checkpoints;

/// <summary>The position in the replicated (Raft) log a store has applied: entry index and its term. Zero without a cluster.</summary>
internal sealed record AppliedPosition(long Index, long Term)
{
    public static readonly AppliedPosition None = new(0, 0);
}
