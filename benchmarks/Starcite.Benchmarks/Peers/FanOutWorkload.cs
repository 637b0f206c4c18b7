using System.Diagnostics;
using Starcite.Benchmarks.Load;

namespace Starcite.Benchmarks.Peers;

/// <summary>
/// W5: N subscribers, each with its own client (its own connection where the system has connections), follow one
/// session while one writer appends at a fixed rate. Delivery latency is from the start of the append call to the
/// moment a subscriber has the event, over every (event, subscriber) pair.
/// </summary>
internal static class FanOutWorkload
{
    private const int ConnectParallelism = 16;

    public static async Task<LatencySummary> RunAsync(IPeerSystem system, IPeerClient writer, string session, int subscribers, int events, int rate, byte[] payload)
    {
        await writer.CreateSessionAsync(session, default);
        // Seq 1 is a warm-up: every subscriber must have it before the measured events start, so all are live.
        await PeerWorkloads.AppendOrThrowAsync(writer, session, new PeerAppend("w5", 1, null, payload));

        var clients = new IPeerClient[subscribers];
        var subscriptions = new IPeerSubscription[subscribers];
        using var gate = new SemaphoreSlim(ConnectParallelism);
        await Task.WhenAll(Enumerable.Range(0, subscribers).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                clients[i] = await system.ConnectAsync(default);
                subscriptions[i] = await clients[i].SubscribeAsync(session, 0, default);
            }
            finally
            {
                gate.Release();
            }
        }));

        var last = events + 1L;
        var sentAt = new long[last + 1];
        var warm = new CountdownEvent(subscribers);
        var recorder = new LatencyRecorder(subscribers);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var readers = Enumerable.Range(0, subscribers).Select(i => Task.Run(async () =>
        {
            await foreach (var e in subscriptions[i].ReadAllAsync(deadline.Token))
            {
                if (e.Seq == 1)
                {
                    warm.Signal();
                }
                else
                {
                    // sentAt is written before the append that creates the event, so it is visible here.
                    recorder.Record(i, Volatile.Read(ref sentAt[e.Seq]));
                }

                if (e.Seq == last)
                {
                    return;
                }
            }

            throw new InvalidOperationException($"subscriber {i} of {session} ended early");
        })).ToArray();

        try
        {
            await Task.Run(() => warm.Wait(deadline.Token));
            var started = Stopwatch.GetTimestamp();
            using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
            for (var seq = 2L; seq <= last; seq++)
            {
                await pace.WaitForNextTickAsync();
                Volatile.Write(ref sentAt[seq], Stopwatch.GetTimestamp());
                await PeerWorkloads.AppendOrThrowAsync(writer, session, new PeerAppend("w5", seq, null, payload));
            }

            await Task.WhenAll(readers);
            return recorder.Summarise(Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            await deadline.CancelAsync();
            await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
            foreach (var subscription in subscriptions)
            {
                await subscription.DisposeAsync();
            }

            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            warm.Dispose();
        }
    }
}
