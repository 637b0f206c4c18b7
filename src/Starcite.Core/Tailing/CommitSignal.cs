namespace Starcite.Tailing;

/// <summary>
/// Wakes everyone waiting for a session's durable position to move. Allocation-free while nobody waits: a waiter
/// installs the completion source, the publisher takes it. Writers never wait on readers.
/// </summary>
internal sealed class CommitSignal
{
    private TaskCompletionSource? _waiters;

    /// <summary>
    /// Returns a task that completes at the next <see cref="Pulse"/>. Check the awaited condition after calling this
    /// and before awaiting, so a pulse between the check and the wait is never missed.
    /// </summary>
    public Task NextPulse()
    {
        var current = Volatile.Read(ref _waiters);
        if (current is not null)
        {
            return current.Task;
        }

        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _waiters, created, null) ?? created).Task;
    }

    /// <summary>Wakes every current waiter. Call after the state they wait for has been published.</summary>
    public void Pulse() => Interlocked.Exchange(ref _waiters, null)?.TrySetResult();

    /// <summary>Fails every current waiter; used when the engine stops or storage fails.</summary>
    public void Fail(Exception error) => Interlocked.Exchange(ref _waiters, null)?.TrySetException(error);
}
