namespace Starcite;

/// <summary>
/// The local store failed (an I/O error, or corruption found on read). The engine stops accepting writes: in-memory
/// state may be ahead of what is durable, so the only safe way on is to reopen the engine, which recovers from the log.
/// </summary>
public sealed class StorageFailedException : StarciteException
{
    /// <summary>Creates the exception.</summary>
    public StorageFailedException(string message, Exception? innerException = null)
        : base("internal_error", message, innerException)
    {
    }
}
