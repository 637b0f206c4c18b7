using System.Net;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>Waits for a condition that becomes true asynchronously, by checking it again until a deadline.</summary>
public static class Eventually
{
    /// <summary>Sends the request until it answers <paramref name="status"/> (30 s at most); a failed send counts as
    /// "not yet".</summary>
    public static async Task StatusAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
