using System.Net;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>Waits for a condition that becomes true asynchronously, by checking it again until a deadline.</summary>
public static class Eventually
{
    /// <summary>How long a condition may take before the test fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Checks <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after
    /// <see cref="Patience"/>. For state only an HTTP request can observe, where there is nothing to wait on.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Patience);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token); // between checks of a condition with a deadline; not a synchronisation sleep
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {Patience.TotalSeconds} s waiting until {what}.");
            }
        }
    }

    /// <summary>Sends the request until it answers <paramref name="status"/> (30 s at most); a failed send counts as
    /// "not yet".</summary>
    public static async Task StatusAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                using var response = await send();
                if (response.StatusCode == status)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!deadline.IsCancellationRequested)
            {
            }

            await Task.Delay(20, deadline.Token); // between checks of a condition with a deadline; not a synchronisation sleep
        }
    }
}
