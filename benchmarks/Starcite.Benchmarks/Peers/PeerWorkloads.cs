using System.Diagnostics;
using Starcite.Benchmarks.Load;

namespace Starcite.Benchmarks.Peers;

/// <summary>
/// The workloads, written once against <see cref="IPeerClient"/> so every system runs exactly the same code:
/// W1 sequential latency, W2 saturation, W4 catch-up replay, W5 live fan-out, W6 idle sessions.
/// </summary>
internal sealed class PeerWorkloads(PeerBenchOptions options, byte[] payload)
{
    /// <summary>W1: one writer appends to one session, one append at a time.</summary>
    public async Task<LatencySummary> SequentialAsync(IPeerClient client, string session, TimeSpan duration)
    {
        await client.CreateSessionAsync(session, default);
        return await ClosedLoop.RunAsync(1, duration, async (_, n) => await AppendOrThrowAsync(client, session, new PeerAppend("w1", n + 1, null, payload)));
    }

    /// <summary>W2: W writers over S sessions; writer w owns the sessions s with s % W == w and cycles through them.</summary>
    public async Task<LatencySummary> SaturationAsync(IPeerClient client, string[] sessions, string round, TimeSpan duration)
    {
        var owned = Enumerable.Range(0, options.Writers)
            .Select(w => sessions.Where((_, i) => i % options.Writers == w).DefaultIfEmpty(sessions[w % sessions.Length]).ToArray())
            .ToArray();
        var producerSeqs = owned.Select(mine => new long[mine.Length]).ToArray();
        return await ClosedLoop.RunAsync(options.Writers, duration, async (w, n) =>
        {
            var slot = (int)(n % owned[w].Length);
            await AppendOrThrowAsync(client, owned[w][slot], new PeerAppend($"{round}-w{w}", ++producerSeqs[w][slot], null, payload));
        });
    }

    /// <summary>W4: reads a full session from cursor 0 through a subscription, until its last event; events/s.</summary>
    public static async Task<double> ReplayBySubscriptionAsync(IPeerClient client, string session, long lastSeq)
    {
        var started = Stopwatch.GetTimestamp();
        await using var subscription = await client.SubscribeAsync(session, 0, default);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        long expected = 1;
        await foreach (var e in subscription.ReadAllAsync(deadline.Token))
        {
            if (e.Seq != expected++)
            {
                throw new InvalidOperationException($"replay of {session}: seq {e.Seq}, expected {expected - 1}");
            }

            if (e.Seq == lastSeq)
            {
                break;
            }
        }

        return lastSeq / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>W4, second way: history pages of 1,000 from cursor 0.</summary>
    public static async Task<double> ReplayByPagesAsync(IPeerClient client, string session, long lastSeq)
    {
        var started = Stopwatch.GetTimestamp();
        long cursor = 0;
        while (cursor < lastSeq)
        {
            var page = await client.ReadAsync(session, cursor, 1000, default);
            if (page.Count == 0 || page[0].Seq != cursor + 1)
            {
                throw new InvalidOperationException($"pages of {session}: a page after {cursor} starts at {(page.Count == 0 ? "nothing" : page[0].Seq)}");
            }

            cursor = page[^1].Seq;
        }

        return lastSeq / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public static async ValueTask AppendOrThrowAsync(IPeerClient client, string session, PeerAppend append)
    {
        var result = await client.AppendAsync(session, append, default);
        if (result.Outcome != PeerOutcome.Appended)
        {
            throw new InvalidOperationException($"append to {session} by {append.ProducerId}/{append.ProducerSeq}: {result.Outcome}");
        }
    }
}
