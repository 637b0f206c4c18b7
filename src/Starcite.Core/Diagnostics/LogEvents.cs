namespace Starcite.Diagnostics;

/// <summary>Event ids of every log message, one range per area (house style §10).</summary>
internal static class LogEvents
{
    // Sessions 1000+
    public const int EngineStarted = 1000;
    public const int EngineStopped = 1001;
    public const int EngineFailed = 1002;

    // Storage 1100+
    public const int SafetyCommitFailed = 1100;
    public const int RecoveryCompleted = 1101;
    public const int CheckpointCompleted = 1102;
    public const int CheckpointFailed = 1103;
    public const int SnapshotIgnored = 1104;
    public const int TailCut = 1105;
    public const int IndexRebuilt = 1106;
    public const int LogDamageRemoved = 1107;
    public const int LogMetadataDropped = 1108;
    public const int RolledBackToDurablePoint = 1109;

    // Replication 1200+
    public const int ReplicationFailed = 1200;
    public const int ClusterStarted = 1201;
    public const int SnapshotInstalled = 1202;
    public const int LeaderChanged = 1203;

    // Archive 1300+
    public const int ArchiveFailed = 1300;
    public const int LogReclaimed = 1301;
}
