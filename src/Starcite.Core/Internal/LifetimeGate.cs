namespace Starcite.Internal;

/// <summary>
/// Tracks operations that use storage, so closing can wait for them and refuse new ones: dispose must never free the
/// log or index under a reader or writer. One interlocked operation to enter and one to exit.
/// </summary>
internal sealed class LifetimeGate
{
    private const int ClosedFlag = 1 << 30;

    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state; // operations inside, plus ClosedFlag once closed

    /// <summary>Enters, or returns false once the gate is closed.</summary>
    public bool TryEnter()
    {
        if ((Interlocked.Increment(ref _state) & ClosedFlag) == 0)
        {
            return true;
        }

        Exit();
        return false;
    }

    /// <summary>Leaves; pairs with a successful <see cref="TryEnter"/>.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _state) == ClosedFlag)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Refuses new operations and completes once those inside have left.</summary>
    public Task CloseAsync()
    {
        if (Interlocked.Add(ref _state, ClosedFlag) == ClosedFlag)
        {
            _drained.TrySetResult();
        }

        return _drained.Task;
    }
}
