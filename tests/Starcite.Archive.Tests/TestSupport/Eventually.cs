namespace Starcite.Archive.Tests.TestSupport;

/// <summary>Waits on a condition with a deadline, polling; never a sleep standing in for synchronisation.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds; fails naming <paramref name="what"/> after the timeout.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="betweenPolls">Runs before each new poll, for example to advance a fake clock.</param>
    /// <param name="timeout">The deadline; <see cref="DefaultTimeout"/> when null.</param>
    public static async Task UntilAsync(Func<ValueTask<bool>> condition, string what, Action? betweenPolls = null, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:N0} s waiting for {what}.");
            }

            betweenPolls?.Invoke();
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, Action? betweenPolls = null, TimeSpan? timeout = null) =>
        UntilAsync(() => ValueTask.FromResult(condition()), what, betweenPolls, timeout);
}
