using Microsoft.Extensions.Logging;
using Starcite.Storage;

namespace Starcite.Hosting.Diagnostics;

/// <summary>Log messages of the hosting package; event ids 2000+ (house style §10).</summary>
internal static partial class HostingLog
{
    public const int StartingEngineId = 2000;
    public const int EngineStartFailedId = 2001;

    [LoggerMessage(EventId = StartingEngineId, EventName = "StartingEngine", Level = LogLevel.Information,
        Message = "Starting Starcite on {DataDirectory}: MaxEventBytes={MaxEventBytes}, Storage.PageSize={PageSize}, Storage.MemorySize={MemorySize}, " +
                  "Storage.SegmentSize={SegmentSize}, Storage.IndexMemorySize={IndexMemorySize}, Storage.IndexBuckets={IndexBuckets}, " +
                  "Storage.CommitMode={CommitMode}, Storage.CheckpointInterval={CheckpointInterval}")]
    public static partial void StartingEngine(ILogger logger, string dataDirectory, int maxEventBytes, long pageSize, long memorySize,
        long segmentSize, long indexMemorySize, long indexBuckets, CommitMode commitMode, TimeSpan checkpointInterval);

    [LoggerMessage(EventId = EngineStartFailedId, EventName = "EngineStartFailed", Level = LogLevel.Critical,
        Message = "Starcite failed to start; the host will not start")]
    public static partial void EngineStartFailed(ILogger logger, Exception exception);
}
