using System.Diagnostics;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// Live delivery through WebSocket tails: N subscribers on one session (raw sockets on one polling thread, see
/// <see cref="RawTailSubscribers"/>) while writers append at a fixed total rate over HTTP. Measures append → frame latency (from just before the append request is sent to the frame's arrival at each
/// subscriber), next to the append acknowledgement latency of the same run as the baseline.
/// </summary>
internal static class HttpTailLoad
{
    private const int RatePerWriter = 250;

    public static async Task RunAsync(LoadOptions options)
    {
        var writers = Math.Clamp(options.Rate / RatePerWriter, 1, 32);
        Console.WriteLine($"http tail load: {options.Subscribers} WebSocket subscribers on one session, {options.Rate} appends/s from {writers} writers, " +
                          $"{options.PayloadBytes} B payloads, {options.Seconds} s x {options.Rounds} rounds");
        await using var server = await LoadServer.StartAsync(options);
        // Warm-up: an unrecorded round of the same shape, so the measured rounds run the JIT's optimised code.
        await RunRoundAsync(server, options with { Seconds = 2 }, writers, "tail-warm-up");
        var acks = new List<LatencySummary>();
        var deliveries = new List<LatencySummary>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var (ack, delivery) = await RunRoundAsync(server, options, writers, $"tail-{round}");
            Console.WriteLine($"  round {round} append ack       {ack}");
            Console.WriteLine($"  round {round} append -> frame  {delivery}");
            acks.Add(ack);
            deliveries.Add(delivery);
        }

        var a = acks.OrderBy(run => run.P99).ElementAt(acks.Count / 2);
        var d = deliveries.OrderBy(run => run.P99).ElementAt(deliveries.Count / 2);
        Console.WriteLine($"median append ack       {a}");
        Console.WriteLine($"median append -> frame  {d}");
        Console.WriteLine($"delivery/ack p50 {d.P50 / a.P50:F2}x, p99 {d.P99 / a.P99:F2}x");
    }

    private static async Task<(LatencySummary Ack, LatencySummary Delivery)> RunRoundAsync(LoadServer server, LoadOptions options, int writers, string session)
    {
        await server.CreateSessionAsync(session);
        var perWriter = (options.Rate / writers * options.Seconds) + 16;
        var sent = Enumerable.Range(0, writers).Select(_ => new long[perWriter + 1]).ToArray();
        var targets = Enumerable.Range(0, options.Subscribers).Select(s => options.Spread ? server.Nodes[s % server.Nodes.Count] : server.BaseAddress).ToArray();
        using var subscribers = await RawTailSubscribers.ConnectAsync(targets, session, sent);
        using var stopReading = new CancellationTokenSource();
        var reading = subscribers.ReadAsync(stopReading.Token);
        var connections = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => RawHttpConnection.ConnectAsync(server.BaseAddress)));
        var ackRecorder = new LatencyRecorder(writers);
        var started = Stopwatch.GetTimestamp();
        var appended = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(
            () => Write(connections[w], session, w, options, writers, sent[w], perWriter, ackRecorder), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        var ack = ackRecorder.Summarise(Stopwatch.GetElapsedTime(started));

        var total = appended.Sum();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await subscribers.WaitForAsync(total, deadline.Token);
        }

        await stopReading.CancelAsync();
        await reading;
        return (ack, LatencyRecorder.Merge(subscribers.Latencies, Stopwatch.GetElapsedTime(started)));
    }

    /// <summary>
    /// Appends at <c>rate / writers</c> per second for the run's duration, on a raw connection from a thread of its own
    /// (blocking sends and receives: no task or thread-pool hop per append); returns how many it appended.
    /// </summary>
    private static int Write(RawHttpConnection connection, string session, int writer, LoadOptions options, int writers, long[] sent, int capacity, LatencyRecorder acks)
    {
        var bodies = new AppendBodies($"w{writer}", Payloads.OfSize(options.PayloadBytes));
        var head = connection.PostHead($"/v1/sessions/{session}/append");
        var period = Stopwatch.Frequency * writers / options.Rate;
        var start = Stopwatch.GetTimestamp() + (period * writer / writers); // writers interleave
        var end = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * options.Seconds);
        var n = 0;
        while (n < capacity)
        {
            var due = start + (period * n);
            if (due >= end)
            {
                break;
            }

            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                Thread.Sleep(wait - TimeSpan.FromMilliseconds(0.5)); // pacing the open-loop schedule, not synchronisation
            }

            n++;
            var request = connection.Post(head, bodies.For(n));
            var t = Stopwatch.GetTimestamp();
            Volatile.Write(ref sent[n], t);
            connection.Send(request.Span);
            int status;
            while (!connection.TryReceiveResponse(out status))
            {
                // a blocking receive: each call waits for the next bytes of the response
            }

            if (status != 201)
            {
                throw new InvalidOperationException($"append: {status}");
            }

            acks.Record(writer, t);
        }

        return n;
    }
}
