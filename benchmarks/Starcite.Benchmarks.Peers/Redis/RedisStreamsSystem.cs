using System.Globalization;
using StackExchange.Redis;
using Starcite.Benchmarks.Peers.Support;

namespace Starcite.Benchmarks.Peers.Redis;

/// <summary>A redis-server started elsewhere (scripts/peer-infra.sh): its endpoint, and for the report its pid and directory.</summary>
public sealed class RedisStreamsSystem : IPeerSystem
{
    private readonly string _endpoint;
    private readonly int? _pid;
    private readonly string? _dataDirectory;

    public RedisStreamsSystem(string name, Durability durability, string endpoint, int? pid = null, string? dataDirectory = null)
    {
        Name = name;
        Durability = durability;
        _endpoint = endpoint;
        _pid = pid;
        _dataDirectory = dataDirectory;
    }

    public string Name { get; }

    public Durability Durability { get; }

    public async Task<IPeerClient> ConnectAsync(CancellationToken cancellationToken) =>
        await RedisStreamsClient.ConnectAsync(_endpoint).ConfigureAwait(false);

    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(Options(_endpoint)).ConfigureAwait(false);
        var server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        var info = (await server.InfoAsync("server").ConfigureAwait(false)).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        var settings = new List<string>();
        foreach (var name in new[] { "appendonly", "appendfsync", "auto-aof-rewrite-percentage", "save", "maxmemory-policy" })
        {
            var values = await server.ConfigGetAsync(name).ConfigureAwait(false);
            settings.Add($"`{name} {(values.Length > 0 && values[0].Value.Length > 0 ? values[0].Value : "\"\"")}`");
        }

        return $"Redis {info["redis_version"]} (Debian package), {string.Join(", ", settings)}";
    }

    public ResourceUsage? MeasureResources() => _pid is { } pid && _dataDirectory is { } dir
        ? new ResourceUsage(ServerResources.Pss([pid]), ServerResources.DiskBytes(dir))
        : null;

    public IReadOnlyList<int> ServerProcessIds() => _pid is { } pid ? [pid] : [];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal static ConfigurationOptions Options(string endpoint)
    {
        var options = ConfigurationOptions.Parse(endpoint);
        options.AllowAdmin = true; // CONFIG GET and INFO for the report
        options.AbortOnConnectFail = true;
        options.SyncTimeout = options.AsyncTimeout = 30_000; // fsync stalls under load are measured, not failed
        return options;
    }
}

/// <summary>One <see cref="ConnectionMultiplexer"/> (one interactive and one pub/sub connection), as StackExchange.Redis is meant to be used.</summary>
internal sealed class RedisStreamsClient : IPeerClient
{
    private static readonly string Script = EmbeddedText.Read("Redis.append.lua");
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly IDatabase _db;
    private readonly byte[] _scriptSha;

    private RedisStreamsClient(ConnectionMultiplexer multiplexer, byte[] scriptSha)
    {
        _multiplexer = multiplexer;
        _db = multiplexer.GetDatabase();
        _scriptSha = scriptSha;
    }

    public static async Task<RedisStreamsClient> ConnectAsync(string endpoint)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(RedisStreamsSystem.Options(endpoint)).ConfigureAwait(false);
        var sha = await multiplexer.GetServer(multiplexer.GetEndPoints()[0]).ScriptLoadAsync(Script).ConfigureAwait(false);
        return new RedisStreamsClient(multiplexer, sha);
    }

    private static RedisKey HashKey(string sessionId) => $"{{{sessionId}}}:h";

    private static RedisKey StreamKey(string sessionId) => $"{{{sessionId}}}:s";

    private static RedisChannel Channel(string sessionId) => RedisChannel.Literal($"{{{sessionId}}}:live");

    public async ValueTask CreateSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        await _db.HashSetAsync(HashKey(sessionId), "@last", 0, When.NotExists).ConfigureAwait(false);

    public async ValueTask<PeerAppendResult> AppendAsync(string sessionId, PeerAppend append, CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(
            _scriptSha,
            [HashKey(sessionId), StreamKey(sessionId)],
            [append.ProducerId, append.ProducerSeq, append.ExpectedSeq is { } e ? e : RedisValue.EmptyString, append.Payload, (string)Channel(sessionId)!])
            .ConfigureAwait(false))!;
        var (outcome, seq, last) = ((int)reply[0], (long)reply[1], (long)reply[2]);
        return outcome switch
        {
            0 => new PeerAppendResult(PeerOutcome.Appended, seq, last),
            1 => new PeerAppendResult(PeerOutcome.Deduped, seq, last),
            2 => new PeerAppendResult(PeerOutcome.ExpectedSeqConflict, 0, last),
            _ => throw new InvalidOperationException($"session {sessionId} does not exist"),
        };
    }

    public async ValueTask<IReadOnlyList<PeerEvent>> ReadAsync(string sessionId, long cursor, int limit, CancellationToken cancellationToken)
    {
        var entries = await _db.StreamRangeAsync(StreamKey(sessionId), $"{cursor + 1}-0", "+", limit).ConfigureAwait(false);
        var events = new PeerEvent[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var id = (string)entry.Id!;
            events[i] = new PeerEvent(long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture),
                (string)entry["p"]!, (long)entry["ps"], (byte[])entry["d"]!);
        }

        return events;
    }

    public async Task<IPeerSubscription> SubscribeAsync(string sessionId, long cursor, CancellationToken cancellationToken)
    {
        var stream = new GapFreeStream(cursor, (c, limit, ct) => ReadAsync(sessionId, c, limit, ct));
        // A ChannelMessageQueue keeps the messages in order (a plain handler may run concurrently).
        var queue = await _multiplexer.GetSubscriber().SubscribeAsync(Channel(sessionId)).ConfigureAwait(false);
        queue.OnMessage(message => stream.OnNote(ParseNote((byte[])message.Message!)));
        return new Subscription(queue, stream);
    }

    public ValueTask SeedAsync(string sessionId, int events, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        Seeding.ByAppendsAsync(this, sessionId, events, payload, maxWriters: 16, cancellationToken);

    public ValueTask DisposeAsync() => _multiplexer.DisposeAsync();

    private static LiveNote ParseNote(byte[] message)
    {
        var span = message.AsSpan();
        var a = span.IndexOf((byte)'\n');
        var b = a + 1 + span[(a + 1)..].IndexOf((byte)'\n');
        var c = b + 1 + span[(b + 1)..].IndexOf((byte)'\n');
        var seq = long.Parse(span[..a], CultureInfo.InvariantCulture);
        var producerSeq = long.Parse(span[(a + 1)..b], CultureInfo.InvariantCulture);
        var producerId = System.Text.Encoding.UTF8.GetString(span[(b + 1)..c]);
        return new LiveNote(seq, new PeerEvent(seq, producerId, producerSeq, message.AsMemory(c + 1)));
    }

    private sealed class Subscription(ChannelMessageQueue queue, GapFreeStream stream) : IPeerSubscription
    {
        public IAsyncEnumerable<PeerEvent> ReadAllAsync(CancellationToken cancellationToken) => stream.ReadAllAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
            stream.Complete();
        }
    }
}
