using System.Runtime.CompilerServices;
using Starcite.Benchmarks.Peers.Support;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Peers.Starcite;

/// <summary>Starcite as a library: one engine in this process, on a temporary data directory it deletes at the end.</summary>
public sealed class StarciteEmbeddedSystem : IPeerSystem
{
    private readonly StarciteEngine _engine;
    private readonly string _dataDirectory;

    private StarciteEmbeddedSystem(StarciteEngine engine, string dataDirectory)
    {
        _engine = engine;
        _dataDirectory = dataDirectory;
    }

    public static async Task<StarciteEmbeddedSystem> StartAsync(string? dataDirectory = null, CancellationToken cancellationToken = default)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "starcite-peers", $"embedded-{Guid.NewGuid():N}");
        var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = dataDirectory }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new StarciteEmbeddedSystem(engine, dataDirectory);
    }

    public string Name => "Starcite (in process)";

    public Durability Durability => Durability.FsyncBeforeAck;

    // Every client shares the engine: there is no connection to open.
    public Task<IPeerClient> ConnectAsync(CancellationToken cancellationToken) => Task.FromResult<IPeerClient>(new StarciteEmbeddedClient(_engine));

    public Task<string> DescribeAsync(CancellationToken cancellationToken) =>
        Task.FromResult($"Starcite.Core in the benchmark process, default options (`Storage.CommitMode {_engine.Options.Storage.CommitMode}`: every append is fsynced, O_SYNC writes, before it returns)");

    public ResourceUsage? MeasureResources() => null;

    public IReadOnlyList<int> ServerProcessIds() => [];

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

internal sealed class StarciteEmbeddedClient(StarciteEngine engine) : IPeerClient
{
    public async ValueTask CreateSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        await engine.CreateSessionAsync(new CreateSessionRequest { Id = sessionId }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<PeerAppendResult> AppendAsync(string sessionId, PeerAppend append, CancellationToken cancellationToken)
    {
        var result = await engine.AppendAsync(sessionId, new AppendRequest
        {
            Type = "content",
            Payload = append.Payload,
            Actor = "agent:bench",
            ProducerId = append.ProducerId,
            ProducerSeq = append.ProducerSeq,
            ExpectedSeq = append.ExpectedSeq,
        }, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            AppendStatus.Appended => new PeerAppendResult(PeerOutcome.Appended, result.Seq, result.LastSeq),
            AppendStatus.Duplicate => new PeerAppendResult(PeerOutcome.Deduped, result.Seq, result.LastSeq),
            AppendStatus.ExpectedSeqConflict => new PeerAppendResult(PeerOutcome.ExpectedSeqConflict, 0, result.LastSeq),
            _ => throw new InvalidOperationException($"append to {sessionId}: {result.Status}"),
        };
    }

    public async ValueTask<IReadOnlyList<PeerEvent>> ReadAsync(string sessionId, long cursor, int limit, CancellationToken cancellationToken)
    {
        var page = await engine.ReadEventsAsync(sessionId, cursor, limit, cancellationToken).ConfigureAwait(false);
        return page.Events.Select(ToPeer).ToArray();
    }

    public Task<IPeerSubscription> SubscribeAsync(string sessionId, long cursor, CancellationToken cancellationToken) =>
        Task.FromResult<IPeerSubscription>(new Subscription(engine.OpenTail(sessionId, cursor)));

    public ValueTask SeedAsync(string sessionId, int events, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        Seeding.ByAppendsAsync(this, sessionId, events, payload, maxWriters: 16, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal static PeerEvent ToPeer(SessionEvent e) => new(e.Seq, e.ProducerId, e.ProducerSeq, e.Payload);

    private sealed class Subscription(Tailing.SessionTail tail) : IPeerSubscription
    {
        public async IAsyncEnumerable<PeerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var e in tail.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ToPeer(e);
            }
        }

        public ValueTask DisposeAsync() => tail.DisposeAsync();
    }
}
