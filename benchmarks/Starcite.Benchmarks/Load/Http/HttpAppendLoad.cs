using System.Net;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// C connections appending as fast as they can over S sessions through the HTTP API, against a baseline in the same
/// run: the same connections doing bare <c>GET /health/live</c> round trips, the most this machine's HTTP stack (client
/// and server sharing the cores) can do with no storage at all. Rounds alternate so noise hits both alike.
/// </summary>
internal static class HttpAppendLoad
{
    public static async Task RunAsync(LoadOptions options)
    {
        if (options.Auth)
        {
            await RunAuthComparisonAsync(options);
            return;
        }

        var connections = options.Writers;
        Console.WriteLine($"http append load: {connections} connections, {options.Sessions} sessions, {options.PayloadBytes} B payloads, {options.Seconds} s x {options.Rounds} rounds" +
                          (options.Cluster > 0 ? $", {options.Cluster}-member cluster, writes {(options.Spread ? "spread over every member" : "to the leader")}" : ""));
        await using var server = await LoadServer.StartAsync(options);
        var sessions = Enumerable.Range(0, options.Sessions).Select(i => $"load-{i}").ToArray();
        foreach (var id in sessions)
        {
            await server.CreateSessionAsync(id);
        }

        using var client = LoadServer.CreateClient(server.BaseAddress, connections);
        // --spread: connections round-robin over every member, so followers forward to the leader; else all go to the leader.
        Uri[] targets = options.Spread ? [.. server.Nodes] : [server.BaseAddress];
        var payload = Payloads.OfSize(options.PayloadBytes);
        var writers = new Writer[connections];
        var raws = new RawHttpConnection[options.HttpClient ? 0 : connections];
        for (var w = 0; w < connections; w++)
        {
            var target = targets[w % targets.Length];
            if (options.HttpClient)
            {
                writers[w] = new Writer(w, connections, sessions, payload, target == server.BaseAddress ? client : LoadServer.CreateClient(target, connections));
            }
            else
            {
                raws[w] = await RawHttpConnection.ConnectAsync(target);
                writers[w] = new Writer(w, connections, sessions, payload, raws[w]);
            }
        }

        // Raw connections run in one polling loop (wrk's way); HttpClient writers each in a loop of their own.
        Task<LatencySummary> Appends(double seconds) => options.HttpClient
            ? ClosedLoop.RunAsync(connections, TimeSpan.FromSeconds(seconds), (w, _) => writers[w].AppendAsync())
            : RawHttpLoop.RunAsync(raws, TimeSpan.FromSeconds(seconds), w => writers[w].NextAppend(), 201);
        Task<LatencySummary> Lives(double seconds) => options.HttpClient
            ? ClosedLoop.RunAsync(connections, TimeSpan.FromSeconds(seconds), (w, _) => writers[w].LiveAsync())
            : RawHttpLoop.RunAsync(raws, TimeSpan.FromSeconds(seconds), w => writers[w].Live, 200);

        Console.WriteLine($"  client: {(options.HttpClient ? "HttpClient (SocketsHttpHandler)" : "raw HTTP/1.1 sockets, one per connection, in one polling loop (--httpclient for HttpClient)")}");
        // Warm-up: connections, and the JIT's tiers on both paths (the first seconds of appends run unoptimised code).
        await Lives(1);
        await Appends(3);
        var baseline = new List<LatencySummary>();
        var appends = new List<LatencySummary>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var live = await Lives(options.Seconds);
            Console.WriteLine($"  round {round} baseline GET /health/live {live}");
            var append = await Appends(options.Seconds);
            Console.WriteLine($"  round {round} POST append            {append}");
            baseline.Add(live);
            appends.Add(append);
        }

        foreach (var raw in raws)
        {
            raw.Dispose();
        }

        var b = ClosedLoop.MedianByThroughput(baseline);
        var a = ClosedLoop.MedianByThroughput(appends);
        Console.WriteLine($"median baseline GET /health/live {b}");
        Console.WriteLine($"median POST append            {a}");
        Console.WriteLine($"append/baseline throughput {a.PerSecond / b.PerSecond:P0}, p99 {a.P99 / b.P99:F2}x");
    }

    /// <summary>
    /// <c>--auth</c>: the same append load against two servers, one with auth off and one in jwt mode (service token on
    /// every request, JWKS served by this tool), in alternating rounds so noise hits both alike.
    /// </summary>
    private static async Task RunAuthComparisonAsync(LoadOptions options)
    {
        var connections = options.Writers;
        Console.WriteLine($"http append load, auth off vs jwt: {connections} connections, {options.Sessions} sessions, {options.PayloadBytes} B payloads, " +
                          $"{options.Seconds} s x {options.Rounds} rounds each");
        await using var auth = new LoadAuth();
        await using var off = await LoadServer.StartAsync(options);
        await using var on = await LoadServer.StartAsync(options, auth);
        var sessions = Enumerable.Range(0, options.Sessions).Select(i => $"load-{i}").ToArray();
        foreach (var id in sessions)
        {
            await off.CreateSessionAsync(id);
            await on.CreateSessionAsync(id);
        }

        using var offClient = LoadServer.CreateClient(off.BaseAddress, connections);
        using var onClient = LoadServer.CreateClient(on.BaseAddress, connections, on.Token);
        var payload = Payloads.OfSize(options.PayloadBytes);
        var offWriters = Enumerable.Range(0, connections).Select(w => new Writer(w, connections, sessions, payload, offClient)).ToArray();
        var onWriters = Enumerable.Range(0, connections).Select(w => new Writer(w, connections, sessions, payload, onClient)).ToArray();
        for (var warmUp = 0; warmUp < 2; warmUp++) // JIT tiers, connections, the token cache: both servers alike
        {
            await ClosedLoop.RunAsync(connections, TimeSpan.FromSeconds(2), (w, _) => offWriters[w].AppendAsync());
            await ClosedLoop.RunAsync(connections, TimeSpan.FromSeconds(2), (w, _) => onWriters[w].AppendAsync());
        }

        var offRuns = new List<LatencySummary>();
        var onRuns = new List<LatencySummary>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var a = await ClosedLoop.RunAsync(connections, TimeSpan.FromSeconds(options.Seconds), (w, _) => offWriters[w].AppendAsync());
            Console.WriteLine($"  round {round} auth off  POST append {a}");
            var b = await ClosedLoop.RunAsync(connections, TimeSpan.FromSeconds(options.Seconds), (w, _) => onWriters[w].AppendAsync());
            Console.WriteLine($"  round {round} auth jwt  POST append {b}");
            offRuns.Add(a);
            onRuns.Add(b);
        }

        var offMedian = ClosedLoop.MedianByThroughput(offRuns);
        var onMedian = ClosedLoop.MedianByThroughput(onRuns);
        Console.WriteLine($"median auth off  POST append {offMedian}");
        Console.WriteLine($"median auth jwt  POST append {onMedian}");
        Console.WriteLine($"jwt/off throughput {onMedian.PerSecond / offMedian.PerSecond:P1}, p99 {onMedian.P99 / offMedian.P99:F2}x");
    }

    /// <summary>One connection's producer: it cycles through its share of the sessions, counting producer_seq per session.
    /// It builds requests for its raw connection, or sends them through a shared HttpClient.</summary>
    private sealed class Writer
    {
        // Producer ids differ between runs, so a rerun against the same --url server appends instead of deduplicating.
        private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];

        private readonly string[] _paths;
        private readonly long[] _producerSeqs;
        private readonly AppendBodies _bodies;
        private readonly HttpClient? _client;
        private readonly RawHttpConnection? _raw;
        private readonly byte[][] _rawHeads = [];
        private long _next;

        public Writer(int index, int writers, string[] sessions, byte[] payload, HttpClient client)
            : this(index, writers, sessions, payload) => _client = client;

        public Writer(int index, int writers, string[] sessions, byte[] payload, RawHttpConnection raw)
            : this(index, writers, sessions, payload)
        {
            _raw = raw;
            _rawHeads = [.. _paths.Select(raw.PostHead)];
            Live = raw.GetRequest("/health/live");
        }

        private Writer(int index, int writers, string[] sessions, byte[] payload)
        {
            var mine = sessions.Where((_, i) => i % writers == index).DefaultIfEmpty(sessions[index % sessions.Length]).ToArray();
            _paths = mine.Select(id => $"/v1/sessions/{id}/append").ToArray();
            _producerSeqs = new long[mine.Length];
            _bodies = new AppendBodies($"w{index}-{RunId}", payload);
        }

        /// <summary>The raw <c>GET /health/live</c> request.</summary>
        public byte[] Live { get; } = [];

        /// <summary>The next append as a raw request.</summary>
        public ReadOnlyMemory<byte> NextAppend()
        {
            var (slot, body) = Next();
            return _raw!.Post(_rawHeads[slot], body);
        }

        public async ValueTask AppendAsync()
        {
            var (slot, body) = Next();
            using var response = await _client!.PostAsync(_paths[slot], LoadServer.Json(body));
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"append: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        public async ValueTask LiveAsync()
        {
            using var response = await _client!.GetAsync("/health/live");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"/health/live: {(int)response.StatusCode}");
            }
        }

        private (int Slot, byte[] Body) Next()
        {
            var slot = (int)(_next++ % _paths.Length);
            return (slot, _bodies.For(++_producerSeqs[slot]));
        }
    }
}
