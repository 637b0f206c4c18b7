using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Benchmarks.Load;
using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Faster;

namespace Starcite.Benchmarks.Append;

/// <summary>
/// 64 concurrent writers over 1,000 sessions, 1 KB payloads; each invocation is 64 × <see cref="AppendsPerWriter"/>
/// acknowledged appends, so the reported time is per append. Baseline: the same on the bare tuned FasterLog.
/// </summary>
[MemoryDiagnoser]
public class ConcurrentAppendBenchmarks
{
    private const int Writers = 64;
    private const int Sessions = 1000;
    private const int AppendsPerWriter = 50;

    private readonly byte[] _payload = Payloads.OfSize(1024);
    private readonly byte[] _record = Payloads.OfSize(1024 + 80);
    private readonly long[] _producerSeqs = new long[Sessions];
    private string _directory = "";
    private FasterEventLog _log = null!;
    private StarciteEngine _engine = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "starcite-bdn", Guid.NewGuid().ToString("N"));
        _log = FasterEventLog.Open(Path.Combine(_directory, "raw"), new StorageOptions(), TimeProvider.System, NullLogger.Instance);
        _engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = Path.Combine(_directory, "engine") });
        for (var i = 0; i < Sessions; i++)
        {
            await _engine.CreateSessionAsync(new CreateSessionRequest { Id = $"s{i}" });
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _engine.DisposeAsync();
        await _log.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Writers * AppendsPerWriter, Description = "FasterLog, 64 writers")]
    public Task RawFasterLog() => Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
    {
        for (var i = 0; i < AppendsPerWriter; i++)
        {
            long address;
            while (!_log.TryAppend(_record, out address))
            {
                await _log.WaitForRoomAsync(CancellationToken.None);
            }

            await _log.WaitForCommitAsync(address, CancellationToken.None);
        }
    })));

    [Benchmark(OperationsPerInvoke = Writers * AppendsPerWriter, Description = "Starcite, 64 writers / 1,000 sessions")]
    public Task StarciteAppend() => Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
    {
        for (var i = 0; i < AppendsPerWriter; i++)
        {
            // Writer w owns sessions w, w+64, ...: one producer per session, so producer_seq just counts.
            var session = writer + (Writers * (i % (Sessions / Writers)));
            await _engine.AppendAsync($"s{session}", new AppendRequest
            {
                Type = "content",
                Payload = _payload,
                Actor = "agent:bench",
                ProducerId = "bench",
                ProducerSeq = ++_producerSeqs[session],
            });
        }
    })));
}
