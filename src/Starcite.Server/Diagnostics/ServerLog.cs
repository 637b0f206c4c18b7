namespace Starcite.Server.Diagnostics;

/// <summary>Log messages of the server; event ids 2100+ (2000+ is the hosting package's range, house style §10).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 2100, EventName = "UnhandledError", Level = LogLevel.Error, Message = "Unhandled error")]
    public static partial void Unhandled(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 2101, EventName = "TailFailed", Level = LogLevel.Error, Message = "A {Transport} tail of session {SessionId} failed at seq {Cursor}")]
    public static partial void TailFailed(ILogger logger, string transport, string sessionId, long cursor, Exception exception);

    [LoggerMessage(EventId = 2102, EventName = "TailClientGone", Level = LogLevel.Debug, Message = "The client of a {Transport} tail of session {SessionId} went away at seq {Cursor}")]
    public static partial void TailClientGone(ILogger logger, string transport, string sessionId, long cursor);
}
