namespace Starcite.Internal;

/// <summary>
/// Lets a checkpoint see a quiet store: writers enter and exit around each write; <see cref="CloseAsync"/> stops new
/// writers and waits for those inside to finish. Two interlocked operations per write while the gate is open.
/// </summary>
internal sealed class WriteGate : IDisposable
{
    private readonly SemaphoreSlim _closers = new(1, 1); // one checkpoint at a time; released on another thread
    private int _inside;
    private TaskCompletionSource? _reopened;
    private TaskCompletionSource? _drained;

    /// <summary>Enters the gate, waiting while a checkpoint holds it closed.</summary>
    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Interlocked.Increment(ref _inside);
            var reopened = Volatile.Read(ref _reopened);
            if (reopened is null)
            {
                return;
            }

            Exit();
            await reopened.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Leaves the gate; every successful <see cref="EnterAsync"/> must be paired with one call.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _inside) == 0)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>Closes the gate and returns once no writer is inside; dispose the result to reopen.</summary>
    public async Task<IDisposable> CloseAsync()
    {
        await _closers.WaitAsync().ConfigureAwait(false);
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        Interlocked.Exchange(ref _reopened, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref _inside) == 0)
        {
            drained.TrySetResult();
        }

        await drained.Task.ConfigureAwait(false);
        return new Reopener(this);
    }

    public void Dispose() => _closers.Dispose();

    private void Reopen()
    {
        Volatile.Write(ref _drained, null);
        Interlocked.Exchange(ref _reopened, null)!.TrySetResult();
        _closers.Release();
    }

    private sealed class Reopener(WriteGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Reopen();
            }
        }
    }
}
