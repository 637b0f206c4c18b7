using System.Diagnostics;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Appends at a fixed total rate for a fixed time: <c>rate x seconds</c> appends on a schedule set in advance, spread
/// over W writers, each with one append in flight. A writer that falls behind its schedule appends at once until it
/// is back on time, so a slow moment lowers the achieved rate (which is reported) rather than shifting the schedule.
/// </summary>
internal static class PacedWriters
{
    public static async Task RunAsync(StarciteEngine engine, string[] sessions, EngineArchiveLoadOptions options, long started, long[] appended)
    {
        var payload = Payloads.OfSize(options.PayloadBytes);
        var total = (long)options.Rate * options.Seconds;
        var ticksPerAppend = (double)Stopwatch.Frequency / options.Rate;

        // Writer w cycles through the sessions s with s % W == w (or shares session w % S when there are fewer
        // sessions than writers); its producer id is its own, so its producer_seq counts per session.
        var writers = Enumerable.Range(0, options.Writers).Select(writer => Task.Run(async () =>
        {
            var mine = sessions.Where((_, i) => i % options.Writers == writer).DefaultIfEmpty(sessions[writer % sessions.Length]).ToArray();
            var producerSeqs = new long[mine.Length];
            for (long k = 0, n = writer; n < total; k++, n += options.Writers)
            {
                var wait = started + (long)(n * ticksPerAppend) - Stopwatch.GetTimestamp();
                if (wait > Stopwatch.Frequency / 1000)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                }

                var slot = (int)(k % mine.Length);
                var result = await engine.AppendAsync(mine[slot], new AppendRequest
                {
                    Type = "content",
                    Payload = payload,
                    Actor = "agent:load",
                    ProducerId = $"w{writer}",
                    ProducerSeq = ++producerSeqs[slot],
                });
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"append failed: {result.Status}");
                }

                Interlocked.Increment(ref appended[0]);
            }
        }));
        await Task.WhenAll(writers);
    }
}
