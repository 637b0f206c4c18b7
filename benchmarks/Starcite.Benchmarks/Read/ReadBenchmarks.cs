using BenchmarkDotNet.Attributes;
using Starcite.Benchmarks.Load;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Read;

/// <summary>
/// Reading a 100,000-event session (1 KB payloads) from cursor 0, after a restart so nothing comes from the live
/// window: as history pages of 1,000, and through a tail. Time is per event.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private const int Events = 100_000;

    private string _directory = "";
    private StarciteEngine _engine = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "starcite-bdn", Guid.NewGuid().ToString("N"));
        var options = new StarciteOptions { DataDirectory = _directory };
        var payload = Payloads.OfSize(1024);
        await using (var writer = await StarciteEngine.StartAsync(options))
        {
            await writer.CreateSessionAsync(new CreateSessionRequest { Id = "read" });
            await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                for (var n = 1; n <= Events / 16; n++)
                {
                    await writer.AppendAsync("read", new AppendRequest { Type = "content", Payload = payload, Actor = "agent:bench", ProducerId = $"w{w}", ProducerSeq = n });
                }
            })));
        }

        _engine = await StarciteEngine.StartAsync(options);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "history pages of 1,000 from cursor 0")]
    public async Task<long> HistoryPages()
    {
        long cursor = 0;
        while (true)
        {
            var page = await _engine.ReadEventsAsync("read", cursor, 1000);
            if (page.Events.Count == 0)
            {
                return cursor;
            }

            cursor = page.NextCursor;
        }
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "tail from cursor 0 to last_seq")]
    public async Task<long> Tail()
    {
        await using var tail = _engine.OpenTail("read", 0);
        while (tail.Cursor < Events && await tail.WaitToReadAsync())
        {
            while (tail.TryRead(out _))
            {
            }
        }

        return tail.Cursor;
    }
}
