using System.Diagnostics;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// The closed loop of <see cref="ClosedLoop"/> over raw connections, driven the way wrk drives them: one thread polls
/// every socket and, as each response completes, records its latency and sends that connection's next request. No
/// task, continuation or thread-pool hop per request, so the client takes as little as it can of the cores it shares
/// with the server.
/// </summary>
internal static class RawHttpLoop
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Keeps one request in flight on every connection for <paramref name="duration"/>, each the next
    /// <paramref name="nextRequest"/>(connection); every response must carry <paramref name="expectedStatus"/>. Returns
    /// once the last response is in, so the connections are idle again for the next run.
    /// </summary>
    public static Task<LatencySummary> RunAsync(IReadOnlyList<RawHttpConnection> connections, TimeSpan duration,
        Func<int, ReadOnlyMemory<byte>> nextRequest, int expectedStatus) =>
        Task.Factory.StartNew(() => Run(connections, duration, nextRequest, expectedStatus), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static LatencySummary Run(IReadOnlyList<RawHttpConnection> connections, TimeSpan duration, Func<int, ReadOnlyMemory<byte>> nextRequest, int expectedStatus)
    {
        var recorder = new LatencyRecorder(connections.Count);
        var sentAt = new long[connections.Count];
        using var epoll = new Epoll(connections.Count);
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var giveUpAt = stopAt + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < connections.Count; i++)
        {
            epoll.Watch(connections[i].Socket, i);
            sentAt[i] = Stopwatch.GetTimestamp();
            connections[i].Send(nextRequest(i).Span);
        }

        var lastDone = started;
        var inFlight = connections.Count;
        while (inFlight > 0)
        {
            var ready = epoll.Wait(100);
            if (ready.IsEmpty && Stopwatch.GetTimestamp() > giveUpAt)
            {
                throw new TimeoutException($"{inFlight} responses did not arrive within {DrainTimeout.TotalSeconds} s of the end of the run.");
            }

            foreach (var socket in ready)
            {
                var i = (int)socket.Data;
                if (!connections[i].TryReceiveResponse(out var status))
                {
                    continue;
                }

                lastDone = Stopwatch.GetTimestamp();
                recorder.Record(i, sentAt[i]);
                if (status != expectedStatus)
                {
                    throw new InvalidOperationException($"Expected HTTP {expectedStatus}, got {status}.");
                }

                if (lastDone < stopAt)
                {
                    sentAt[i] = Stopwatch.GetTimestamp();
                    connections[i].Send(nextRequest(i).Span);
                }
                else
                {
                    inFlight--;
                }
            }
        }

        return recorder.Summarise(Stopwatch.GetElapsedTime(started, lastDone));
    }
}
