namespace Starcite.Storage;

/// <summary>The log's own reader hit damaged data (a bad checksum or length) while scanning durable records.</summary>
internal sealed class LogDamagedException(string message, Exception innerException) : Exception(message, innerException);
