using System.Diagnostics;
using Starcite.Benchmarks.Load;
using Starcite.Benchmarks.Peers.Support;

namespace Starcite.Benchmarks.Peers;

/// <summary>
/// The side-by-side run: every workload on every configured system, rounds interleaved across systems so machine
/// noise hits all of them alike, then the report section and charts. Entry: <c>load peers ...</c>.
/// </summary>
internal static class PeerBench
{
    public static async Task<int> RunAsync(PeerBenchOptions options)
    {
        var payload = Payloads.OfSize(options.PayloadBytes);
        var workloads = new PeerWorkloads(options, payload);
        var results = new PeerResults();
        var systems = await PeerSystems.StartAsync(options);
        var clients = new Dictionary<string, IPeerClient>();
        var total = Stopwatch.StartNew();
        try
        {
            foreach (var (key, system) in systems)
            {
                results.Systems.Add(new SystemInfo(key, system.Name, system.Durability, await system.DescribeAsync(default)));
                clients[key] = await system.ConnectAsync(default);
                Console.WriteLine($"{key}: {results.Systems[^1].Description}");
            }

            if (options.Workloads.Contains("w1") || options.Workloads.Contains("w2"))
            {
                Console.WriteLine("warm-up (JIT, connections, pools)");
                foreach (var (key, _) in systems)
                {
                    await workloads.SequentialAsync(clients[key], "warm-w1", TimeSpan.FromSeconds(1));
                    var warm = Enumerable.Range(0, options.Writers).Select(i => $"warm-w2-{i}").ToArray();
                    foreach (var s in warm)
                    {
                        await clients[key].CreateSessionAsync(s, default);
                    }

                    await workloads.SaturationAsync(clients[key], warm, "warm", TimeSpan.FromSeconds(1));
                }
            }

            var duration = TimeSpan.FromSeconds(options.Seconds);
            if (options.Workloads.Contains("w1"))
            {
                for (var round = 1; round <= options.Rounds; round++)
                {
                    foreach (var (key, _) in systems)
                    {
                        var summary = await workloads.SequentialAsync(clients[key], $"w1-r{round}", duration);
                        Add(results.W1, key, summary);
                        Console.WriteLine($"W1 round {round} {key,-18} {summary}");
                    }
                }
            }

            if (options.Workloads.Contains("w2"))
            {
                var sessions = Enumerable.Range(0, options.Sessions).Select(i => $"w2-{i}").ToArray();
                foreach (var (key, _) in systems)
                {
                    foreach (var s in sessions)
                    {
                        await clients[key].CreateSessionAsync(s, default);
                    }
                }

                for (var round = 1; round <= options.Rounds; round++)
                {
                    foreach (var (key, system) in systems)
                    {
                        var pids = system.ServerProcessIds();
                        var (server, client) = (ServerResources.CpuSeconds(pids), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
                        var summary = await workloads.SaturationAsync(clients[key], sessions, $"r{round}", duration);
                        var cpu = ((ServerResources.CpuSeconds(system.ServerProcessIds()) - server) * 1e6 / summary.Count,
                            (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - client) * 1e6 / summary.Count);
                        Add(results.W2, key, summary);
                        Add(results.W2Cpu, key, cpu);
                        Console.WriteLine($"W2 round {round} {key,-18} {summary}  CPU/append server {cpu.Item1,5:F0} us client {cpu.Item2,5:F0} us");
                    }
                }
            }

            if (options.Workloads.Contains("w4"))
            {
                foreach (var (key, _) in systems)
                {
                    var seeded = Stopwatch.StartNew();
                    await clients[key].CreateSessionAsync("w4", default);
                    await clients[key].SeedAsync("w4", options.ReplayEvents, payload, default);
                    Console.WriteLine($"W4 {key,-18} seeded {options.ReplayEvents:N0} events in {seeded.Elapsed.TotalSeconds:F1} s");
                }

                for (var round = 1; round <= options.Rounds; round++)
                {
                    foreach (var (key, system) in systems)
                    {
                        // A fresh client per round, so nothing is cached from the previous one.
                        await using var reader = await system.ConnectAsync(default);
                        var subscribe = await PeerWorkloads.ReplayBySubscriptionAsync(reader, "w4", options.ReplayEvents);
                        Add(results.W4Subscribe, key, subscribe);
                        var line = $"W4 round {round} {key,-18} subscription {subscribe,10:N0} events/s";
                        if (system is not Nats.NatsJetStreamSystem) // no range read in JetStream 2.9: its replay is the consumer
                        {
                            var pages = await PeerWorkloads.ReplayByPagesAsync(reader, "w4", options.ReplayEvents);
                            Add(results.W4Pages, key, pages);
                            line += $"   pages {pages,10:N0} events/s";
                        }

                        Console.WriteLine(line);
                    }
                }
            }

            if (options.Workloads.Contains("w5"))
            {
                foreach (var subscribers in options.FanOut)
                {
                    foreach (var (key, system) in systems)
                    {
                        var summary = await FanOutWorkload.RunAsync(system, clients[key], $"w5-{subscribers}", subscribers, options.FanOutEvents, options.FanOutRate, payload);
                        (results.W5.TryGetValue(key, out var byCount) ? byCount : results.W5[key] = [])[subscribers] = summary;
                        Console.WriteLine($"W5 {subscribers,5} subscribers {key,-18} delivery p50 {summary.P50,8:F3} ms  p99 {summary.P99,8:F3} ms  p999 {summary.P999,8:F3} ms (n={summary.Count:N0})");
                    }
                }
            }

            if (options.Workloads.Contains("w6"))
            {
                foreach (var (key, system) in systems)
                {
                    // Both Redis rows store the same structures; appendfsync changes only when they reach the disk.
                    if (key == "redis-always" && systems.Any(s => s.Key == "redis-everysec"))
                    {
                        continue;
                    }

                    Console.WriteLine($"W6 {key}");
                    if (await IdleSessionsWorkload.RunAsync(system, clients[key], options.IdleSessions, options.IdleEvents, payload) is { } usage)
                    {
                        results.W6[key] = usage;
                        Console.WriteLine($"W6 {key,-18} memory +{usage.MemoryBytes / 1048576.0,8:N0} MiB   disk +{usage.DiskBytes / 1048576.0,8:N0} MiB");
                    }
                }
            }

            Console.WriteLine($"all workloads in {total.Elapsed.TotalMinutes:F1} min");
            if (options.Doc is not null)
            {
                await PeerReport.WriteAsync(results, options);
            }

            return 0;
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                await client.DisposeAsync();
            }

            foreach (var (_, system) in systems)
            {
                await system.DisposeAsync();
            }
        }
    }

    private static void Add<T>(Dictionary<string, List<T>> into, string key, T value) =>
        (into.TryGetValue(key, out var list) ? list : into[key] = []).Add(value);
}
