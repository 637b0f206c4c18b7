using System.Diagnostics;
using System.Net;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// Failover of a cluster under load: writers append through every member, retrying each failed append with the same
/// producer_seq (503 during an election, or a dead member, which they move away from). The leader is SIGKILLed
/// <c>--kills</c> times; each time, the time from the kill to the next acknowledged append is measured, then the
/// killed member is restarted on its data directory and rejoins.
/// </summary>
internal static class HttpFailoverLoad
{
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(20);

    public static async Task RunAsync(LoadOptions options)
    {
        var size = Math.Max(3, options.Cluster);
        Console.WriteLine($"failover load: {size}-member cluster, {options.Writers} writers over every member, {options.Kills} leader kills (SIGKILL)");
        await using var server = await LoadServer.StartAsync(options with { Cluster = size });
        await server.CreateSessionAsync("failover");
        var clients = server.Nodes.Select(node => LoadServer.CreateClient(node, options.Writers)).ToArray();
        var acks = 0L;
        var lastAck = 0L;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, options.Writers).Select(w => Task.Run(() => WriteAsync(w, clients, options, () =>
        {
            Interlocked.Increment(ref acks);
            Interlocked.Exchange(ref lastAck, Stopwatch.GetTimestamp());
        }, stop.Token))).ToArray();

        var resumes = new List<double>();
        for (var kill = 1; kill <= options.Kills; kill++)
        {
            await WaitAsync(() => Interlocked.Read(ref acks) >= 500L * kill, "steady writes");
            var leader = await server.FindLeaderAsync();
            var killedAt = Stopwatch.GetTimestamp();
            await server.KillNodeAsync(leader);
            await WaitAsync(() => Interlocked.Read(ref lastAck) > killedAt, "a write after the kill");
            var resumed = Stopwatch.GetElapsedTime(killedAt, Interlocked.Read(ref lastAck)).TotalMilliseconds;
            resumes.Add(resumed);
            Console.WriteLine($"  kill {kill}: member {leader} killed; writes resumed after {resumed:F0} ms");
            await server.StartNodeAsync(leader);
            await server.FindLeaderAsync();
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        resumes.Sort();
        Console.WriteLine($"failover: first acknowledged write after a leader kill: median {resumes[resumes.Count / 2]:F0} ms, max {resumes[^1]:F0} ms ({Interlocked.Read(ref acks):N0} appends in all)");
    }

    private static async Task WriteAsync(int writer, HttpClient[] clients, LoadOptions options, Action acked, CancellationToken cancellationToken)
    {
        var bodies = new AppendBodies($"w{writer}", Payloads.OfSize(options.PayloadBytes));
        var node = writer % clients.Length;
        for (long n = 1; !cancellationToken.IsCancellationRequested; n++)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    using var response = await clients[node].PostAsync("/v1/sessions/failover/append", LoadServer.Json(bodies.For(n)), cancellationToken);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acked();
                        break;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return; // the run is over
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    node = (node + 1) % clients.Length; // that member is down
                }

                try
                {
                    await Task.Delay(RetryBackoff, cancellationToken); // Retry-After, shortened: the election is short
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
        }
    }
}
