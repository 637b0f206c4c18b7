using System.Collections.Concurrent;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>A clock whose timers fire at once: the waits of a retry loop take no time, and a test sees what they were.</summary>
public sealed class InstantTimers : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();

    /// <summary>The due times of the timers created so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Waits => [.. _waits];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waits.Enqueue(dueTime);
        return base.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
