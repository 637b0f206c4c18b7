using Microsoft.Extensions.Logging;

namespace Starcite.Archive.S3.Diagnostics;

/// <summary>Log messages of the S3 archive store; event ids 1370+ inside the Archive range (house style §10).</summary>
internal static partial class S3ArchiveLog
{
    public const int OpenedId = 1370;
    public const int LayoutCreatedId = 1371;
    public const int ChunkSizeFromLayoutId = 1372;
    public const int TornReadId = 1373;

    [LoggerMessage(EventId = OpenedId, EventName = "S3ArchiveOpened", Level = LogLevel.Information,
        Message = "S3 archive in bucket {Bucket} at {Endpoint} (region {Region}, path-style {ForcePathStyle}), prefix '{Prefix}', " +
                  "credentials {Credentials}, RequestTimeout={RequestTimeout}, MaxErrorRetry={MaxErrorRetry}, MaxConcurrency={MaxConcurrency}")]
    public static partial void Opened(ILogger logger, string bucket, string endpoint, string region, bool forcePathStyle, string prefix,
        string credentials, TimeSpan requestTimeout, int maxErrorRetry, int maxConcurrency);

    [LoggerMessage(EventId = LayoutCreatedId, EventName = "S3ArchiveLayoutCreated", Level = LogLevel.Information,
        Message = "S3 archive layout created at {Key}: {EventsPerChunk} events per chunk")]
    public static partial void LayoutCreated(ILogger logger, string key, int eventsPerChunk);

    [LoggerMessage(EventId = ChunkSizeFromLayoutId, EventName = "S3ArchiveChunkSizeFromLayout", Level = LogLevel.Warning,
        Message = "S3 archive at {Key} was created with {StoredEventsPerChunk} events per chunk; that value is used, not the configured {ConfiguredEventsPerChunk}")]
    public static partial void ChunkSizeFromLayout(ILogger logger, string key, int storedEventsPerChunk, int configuredEventsPerChunk);

    [LoggerMessage(EventId = TornReadId, EventName = "S3ArchiveTornRead", Level = LogLevel.Warning,
        Message = "S3 object {Key} came back torn on attempt {Attempt} (the server replaced it while it was read); reading it again")]
    public static partial void TornRead(ILogger logger, string key, int attempt, Exception exception);
}
