using System.Diagnostics;

namespace Starcite.Benchmarks.Peers;

/// <summary>
/// W6: S idle sessions of E events each. What the server holds for them afterwards: growth of its memory (PSS) and of
/// its data directory, measured before and after on the same running server.
/// </summary>
internal static class IdleSessionsWorkload
{
    private const int Workers = 128; // loading is not measured: enough in flight for every system to batch its commits

    public static async Task<ResourceUsage?> RunAsync(IPeerSystem system, IPeerClient client, int sessions, int events, byte[] payload)
    {
        if (system.MeasureResources() is not { } before)
        {
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < sessions; i = Interlocked.Increment(ref next))
            {
                var session = $"idle-{i}";
                await client.CreateSessionAsync(session, default);
                await client.SeedAsync(session, events, payload, default);
            }
        })));
        Console.WriteLine($"    loaded {sessions:N0} sessions x {events} events in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        var after = system.MeasureResources()!.Value;
        return new ResourceUsage(after.MemoryBytes - before.MemoryBytes, after.DiskBytes - before.DiskBytes);
    }
}
