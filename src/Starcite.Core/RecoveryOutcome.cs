namespace Starcite;

/// <summary>How an attempt to recover a data directory ended.</summary>
/// <param name="Recovered">True when the engine is ready.</param>
/// <param name="LogDamaged">True when the log itself holds damaged or inconsistent records.</param>
/// <param name="BadRecordAddress">The first bad record, when recovery's own checks found it (not FASTER's reader).</param>
/// <param name="Problem">What was wrong, for the log.</param>
internal readonly record struct RecoveryOutcome(bool Recovered, bool LogDamaged, long? BadRecordAddress, string? Problem)
{
    public static RecoveryOutcome Success => new(true, false, null, null);

    /// <summary>The checkpoints claim more than the log holds: drop them and replay the whole log.</summary>
    public static RecoveryOutcome StaleCheckpoints(string problem) => new(false, false, null, problem);

    public static RecoveryOutcome Damaged(long? badRecordAddress, string problem) => new(false, true, badRecordAddress, problem);
}
