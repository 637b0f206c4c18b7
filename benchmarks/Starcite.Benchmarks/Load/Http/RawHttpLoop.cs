using System.Diagnostics;
using System.Net.Sockets;

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
        var bySocket = Enumerable.Range(0, connections.Count).ToDictionary(i => connections[i].Socket);
        var waiting = new List<Socket>(connections.Count);
        var ready = new List<Socket>(connections.Count);
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < connections.Count; i++)
        {
            sentAt[i] = Stopwatch.GetTimestamp();
            connections[i].Send(nextRequest(i).Span);
            waiting.Add(connections[i].Socket);
        }

        var lastDone = started;
        while (waiting.Count > 0)
        {
            ready.Clear();
            ready.AddRange(waiting);
            Socket.Select(ready, null, null, 100_000);
            var now = Stopwatch.GetTimestamp();
            if (ready.Count == 0 && now > stopAt + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency))
            {
                throw new TimeoutException($"{waiting.Count} responses did not arrive within {DrainTimeout.TotalSeconds} s of the end of the run.");
            }

            foreach (var socket in ready)
            {
                var i = bySocket[socket];
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
                    waiting.Remove(socket);
                }
            }
        }

        return recorder.Summarise(Stopwatch.GetElapsedTime(started, lastDone));
    }
}
