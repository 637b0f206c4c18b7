using Microsoft.Extensions.Logging;

namespace Starcite.Archive.PostgreSql.Diagnostics;

/// <summary>Log messages of the PostgreSQL archive store; event ids 1350+ inside the Archive range (house style §10).</summary>
internal static partial class PostgreSqlArchiveLog
{
    public const int OpenedId = 1350;
    public const int SchemaMigratedId = 1351;
    public const int PoolClearedId = 1352;

    [LoggerMessage(EventId = OpenedId, EventName = "PostgreSqlArchiveOpened", Level = LogLevel.Information,
        Message = "PostgreSQL archive on {Host}:{Port}, database {Database} as {Username}; tables {Schema}.{TablePrefix}*")]
    public static partial void Opened(ILogger logger, string? host, int port, string? database, string? username, string schema, string tablePrefix);

    [LoggerMessage(EventId = SchemaMigratedId, EventName = "PostgreSqlArchiveSchemaMigrated", Level = LogLevel.Information,
        Message = "PostgreSQL archive schema {Schema} migrated from version {FromVersion} to {ToVersion}")]
    public static partial void SchemaMigrated(ILogger logger, string schema, int fromVersion, int toVersion);

    [LoggerMessage(EventId = PoolClearedId, EventName = "PostgreSqlArchivePoolCleared", Level = LogLevel.Warning,
        Message = "PostgreSQL archive connection failed; pooled connections were dropped so the next call reconnects")]
    public static partial void PoolCleared(ILogger logger, Exception exception);
}
