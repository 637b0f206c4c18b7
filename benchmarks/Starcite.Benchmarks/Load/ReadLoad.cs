using System.Diagnostics;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Fills one session with N events, then reads it from cursor 0: as history pages of 1,000 and through a tail, after a
/// restart so nothing is served from the live in-memory window. Reports events per second (median of the rounds).
/// </summary>
internal static class ReadLoad
{
    public static async Task RunAsync(LoadOptions options)
    {
        Console.WriteLine($"read load: one session of {options.Events:N0} events, {options.PayloadBytes} B payloads, {options.Rounds} rounds");
        var directory = options.DataDirectory("read");
        var payload = Payloads.OfSize(options.PayloadBytes);
        try
        {
            await using (var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = directory }))
            {
                await engine.CreateSessionAsync(new CreateSessionRequest { Id = "read" });
                var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
                {
                    for (var n = 1L; n <= options.Events / 16; n++)
                    {
                        await engine.AppendAsync("read", new AppendRequest { Type = "content", Payload = payload, Actor = "agent:load", ProducerId = $"w{w}", ProducerSeq = n });
                    }
                }));
                await Task.WhenAll(writers);
            }

            var pages = new List<double>();
            var tails = new List<double>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                await using var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = directory });
                var started = Stopwatch.GetTimestamp();
                long cursor = 0, read = 0;
                while (true)
                {
                    var page = await engine.ReadEventsAsync("read", cursor, 1000);
                    if (page.Events.Count == 0)
                    {
                        break;
                    }

                    read += page.Events.Count;
                    cursor = page.NextCursor;
                }

                pages.Add(read / Stopwatch.GetElapsedTime(started).TotalSeconds);

                started = Stopwatch.GetTimestamp();
                await using var tail = engine.OpenTail("read", 0);
                var last = (await engine.GetSessionAsync("read"))!.LastSeq;
                read = 0;
                while (tail.Cursor < last && await tail.WaitToReadAsync())
                {
                    while (tail.TryRead(out _))
                    {
                        read++;
                    }
                }

                tails.Add(read / Stopwatch.GetElapsedTime(started).TotalSeconds);
                Console.WriteLine($"  round {round}: history pages {pages[^1],12:N0} events/s   tail {tails[^1],12:N0} events/s");
            }

            Console.WriteLine($"median: history pages {pages.Order().ElementAt(pages.Count / 2),12:N0} events/s   tail {tails.Order().ElementAt(tails.Count / 2),12:N0} events/s");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
