using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Benchmarks.Load;
using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Faster;

namespace Starcite.Benchmarks.Append;

/// <summary>
/// One durable append at a time, 1 KB payload: the bare tuned FasterLog (enqueue + wait for commit) is the baseline
/// for Starcite's whole append path (validation, decide, encode, commit, index, publish).
/// </summary>
[MemoryDiagnoser]
public class AppendBenchmarks
{
    private readonly byte[] _payload = Payloads.OfSize(1024);
    private readonly byte[] _record = Payloads.OfSize(1024 + 80);
    private string _directory = "";
    private FasterEventLog _log = null!;
    private StarciteEngine _engine = null!;
    private long _producerSeq;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "starcite-bdn", Guid.NewGuid().ToString("N"));
        _log = FasterEventLog.Open(Path.Combine(_directory, "raw"), new StorageOptions(), TimeProvider.System, NullLogger.Instance);
        _engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = Path.Combine(_directory, "engine") });
        await _engine.CreateSessionAsync(new CreateSessionRequest { Id = "bench" });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _engine.DisposeAsync();
        await _log.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "FasterLog enqueue + commit")]
    public async Task RawFasterLog()
    {
        long address;
        while (!_log.TryAppend(_record, out address))
        {
            await _log.WaitForRoomAsync(CancellationToken.None);
        }

        await _log.WaitForCommitAsync(address, CancellationToken.None);
    }

    [Benchmark(Description = "Starcite append")]
    public async Task<AppendResult> StarciteAppend() => await _engine.AppendAsync("bench", new AppendRequest
    {
        Type = "content",
        Payload = _payload,
        Actor = "agent:bench",
        ProducerId = "bench",
        ProducerSeq = ++_producerSeq,
    });
}
