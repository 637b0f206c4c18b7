using System.Net;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>
/// Waits on a condition with a deadline, checking it on a timer; never a sleep standing in for synchronisation. For
/// state with nothing to wait on (another process, an HTTP answer, a store's counters). The one copy for every test
/// project: Server.Tests and Cluster.Tests link this file.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    /// <summary>Checks <paramref name="probe"/> until it returns a value and returns that value; fails naming
    /// <paramref name="what"/> after the timeout.</summary>
    /// <param name="probe">Null while the awaited state is not there yet.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="betweenPolls">Runs before each new check, for example to advance a fake clock.</param>
    /// <param name="timeout">The deadline; <see cref="DefaultTimeout"/> when null.</param>
    public static async Task<T> ValueAsync<T>(Func<ValueTask<T?>> probe, string what, Action? betweenPolls = null, TimeSpan? timeout = null)
        where T : struct
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        using var timer = new PeriodicTimer(Interval);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

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

    public static Task<T> ValueAsync<T>(Func<T?> probe, string what)
        where T : struct => ValueAsync(() => ValueTask.FromResult(probe()), what);

    /// <summary>Checks <paramref name="condition"/> until it holds (see <see cref="ValueAsync{T}(Func{ValueTask{T?}}, string, Action?, TimeSpan?)"/>).</summary>
    public static Task UntilAsync(Func<ValueTask<bool>> condition, string what, Action? betweenPolls = null, TimeSpan? timeout = null) =>
        ValueAsync(async () => await condition() ? true : (bool?)null, what, betweenPolls, timeout);

    public static Task UntilAsync(Func<bool> condition, string what, Action? betweenPolls = null, TimeSpan? timeout = null) =>
        UntilAsync(() => ValueTask.FromResult(condition()), what, betweenPolls, timeout);

    /// <summary>Sends the request until it answers <paramref name="status"/>; a failed send or connect counts as "not yet".</summary>
    public static Task StatusAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status) => UntilAsync(async () =>
    {
        try
        {
            using var response = await send();
            return response.StatusCode == status;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            // Not every failed connect comes wrapped: a server that resets a new connection at once can surface from
            // HttpClient as a bare SocketException (ENOTCONN reading the socket's remote end point).
            return false;
        }
    }, $"an answer {(int)status} {status}");
}
