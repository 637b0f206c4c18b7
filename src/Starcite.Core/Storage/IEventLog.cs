namespace Starcite.Storage;

/// <summary>
/// The durable, append-only record log (the storage port of the write path). Addresses grow with every record; a
/// record is committed (readable, and on a single node durable) once <see cref="WaitForCommitAsync"/> for its address
/// returns, and kept by a reopen once <see cref="MakeDurableAsync"/> does. Tests wrap it to inject faults.
/// </summary>
internal interface IEventLog : IAsyncDisposable
{
    /// <summary>The address of the first record still stored.</summary>
    long BeginAddress { get; }

    /// <summary>The address the next record will get.</summary>
    long TailAddress { get; }

    /// <summary>Every record below this address is durable.</summary>
    long CommittedUntilAddress { get; }

    /// <summary>Adds a record without waiting, or returns false when the in-memory buffer is full (then <see cref="WaitForRoomAsync"/>).</summary>
    /// <remarks>The bytes are copied; the caller keeps ownership of <paramref name="record"/>.</remarks>
    bool TryAppend(ReadOnlySpan<byte> record, out long address);

    /// <summary>Waits until appending is likely to succeed again.</summary>
    ValueTask WaitForRoomAsync(CancellationToken cancellationToken);

    /// <summary>Returns once the record at <paramref name="address"/> (and everything before it) is durable.</summary>
    /// <exception cref="StorageFailedException">The commit failed.</exception>
    ValueTask WaitForCommitAsync(long address, CancellationToken cancellationToken);

    /// <summary>Returns once the records below <paramref name="address"/>, already committed, are on stable storage and a
    /// reopen keeps them (<see cref="LogDurability"/>); at once for a log whose every write is durable.</summary>
    /// <exception cref="StorageFailedException">The log could not be made durable.</exception>
    ValueTask MakeDurableAsync(long address, CancellationToken cancellationToken);

    /// <summary>Reads one durable record; <paramref name="length"/> is its length when known (one I/O instead of two), else 0.</summary>
    /// <exception cref="StorageFailedException">The record cannot be read.</exception>
    ValueTask<byte[]> ReadAsync(long address, int length, CancellationToken cancellationToken);

    /// <summary>Durable records that start at or after <paramref name="fromAddress"/> and before <paramref name="untilAddress"/>, in order.</summary>
    /// <exception cref="LogDamagedException">The log's reader hit damaged data.</exception>
    IEnumerable<LogRecord> ReadCommitted(long fromAddress, long untilAddress);

    /// <summary>Durable records from <paramref name="first"/> through <paramref name="last"/> inclusive, in order.</summary>
    IEnumerable<LogRecord> ReadCommitted(LogPosition first, LogPosition last);

    /// <summary>Drops every record before <paramref name="address"/> (a record's start) and makes the new begin durable;
    /// the space is freed as whole segments fall below it.</summary>
    ValueTask TruncateUntilAsync(long address, CancellationToken cancellationToken);
}
