using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// Live delivery through WebSocket tails: N subscribers on one session while writers append at a fixed total rate over
/// HTTP. Measures append → frame latency (from just before the append request is sent to the frame's arrival at each
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
        var subscribers = new List<Subscriber>();
        for (var i = 0; i < options.Subscribers; i += 50)
        {
            subscribers.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(50, options.Subscribers - i))
                .Select(s => Subscriber.ConnectAsync(options.Spread ? server.Nodes[s % server.Nodes.Count] : server.BaseAddress, session, sent))));
        }

        using var stopReading = new CancellationTokenSource();
        var reading = subscribers.Select(s => Task.Run(() => s.ReadAsync(stopReading.Token))).ToArray();
        using var client = LoadServer.CreateClient(server.BaseAddress, writers);
        var ackRecorder = new LatencyRecorder(writers);
        var started = Stopwatch.GetTimestamp();
        var appended = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() =>
            WriteAsync(client, session, w, options, writers, sent[w], perWriter, ackRecorder))));
        var ack = ackRecorder.Summarise(Stopwatch.GetElapsedTime(started));

        var total = appended.Sum();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await Task.WhenAll(subscribers.Select(s => s.WaitForAsync(total, deadline.Token)));
        }

        await stopReading.CancelAsync();
        await Task.WhenAll(reading);
        var delivery = LatencyRecorder.Merge(subscribers.Select(s => s.Latencies), Stopwatch.GetElapsedTime(started));
        await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask()));
        return (ack, delivery);
    }

    /// <summary>Appends at <c>rate / writers</c> per second for the run's duration; returns how many it appended.</summary>
    private static async Task<int> WriteAsync(HttpClient client, string session, int writer, LoadOptions options, int writers, long[] sent, int capacity, LatencyRecorder acks)
    {
        var bodies = new AppendBodies($"w{writer}", Payloads.OfSize(options.PayloadBytes));
        var path = $"/v1/sessions/{session}/append";
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
                await Task.Delay(wait - TimeSpan.FromMilliseconds(0.5)); // pacing the open-loop schedule, not synchronisation
            }

            n++;
            var t = Stopwatch.GetTimestamp();
            Volatile.Write(ref sent[n], t);
            using var response = await client.PostAsync(path, LoadServer.Json(bodies.For(n)));
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"append: {(int)response.StatusCode}");
            }

            acks.Record(writer, t);
        }

        return n;
    }

    /// <summary>One WebSocket tail from cursor 0 that timestamps every frame against the time its append was sent.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly long[][] _sent;
        private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _received;
        private int _expected = int.MaxValue;

        private Subscriber(ClientWebSocket socket, long[][] sent)
        {
            _socket = socket;
            _sent = sent;
        }

        public List<long> Latencies { get; } = new(1 << 14);

        public static async Task<Subscriber> ConnectAsync(Uri server, string session, long[][] sent)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://{server.Authority}/v1/sessions/{session}/tail?cursor=0"), CancellationToken.None);
            return new Subscriber(socket, sent);
        }

        public async Task ReadAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);

                    var arrived = Stopwatch.GetTimestamp();
                    var (writer, producerSeq) = ProducerOf(buffer.AsSpan(0, length));
                    Latencies.Add(arrived - Volatile.Read(ref _sent[writer][producerSeq]));
                    if (++_received >= Volatile.Read(ref _expected))
                    {
                        _caughtUp.TrySetResult();
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public Task WaitForAsync(int total, CancellationToken cancellationToken)
        {
            Volatile.Write(ref _expected, total);
            if (Volatile.Read(ref _received) >= total)
            {
                _caughtUp.TrySetResult();
            }

            return _caughtUp.Task.WaitAsync(cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            _socket.Abort();
            _socket.Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>Finds <c>"producer_id":"w{writer}"</c> and <c>"producer_seq":{n}</c> in the frame without parsing all of it.</summary>
        private static (int Writer, int ProducerSeq) ProducerOf(ReadOnlySpan<byte> frame)
        {
            var id = frame[(frame.IndexOf("\"producer_id\":\"w"u8) + 16)..];
            var seq = frame[(frame.IndexOf("\"producer_seq\":"u8) + 15)..];
            return (int.Parse(id[..id.IndexOf((byte)'"')], CultureInfo.InvariantCulture),
                    int.Parse(seq[..seq.IndexOfAny((byte)',', (byte)'}')], CultureInfo.InvariantCulture));
        }
    }
}
