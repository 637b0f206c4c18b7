namespace Starcite.Storage;

/// <summary>One record read back from the log, with the address it is stored at.</summary>
internal readonly record struct LogRecord(long Address, byte[] Bytes, long NextAddress);
