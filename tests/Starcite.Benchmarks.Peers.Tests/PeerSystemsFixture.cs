using System.Collections.Concurrent;
using Starcite.Benchmarks.Peers.Nats;
using Starcite.Benchmarks.Peers.Postgres;
using Starcite.Benchmarks.Peers.Redis;
using Starcite.Benchmarks.Peers.Starcite;

namespace Starcite.Benchmarks.Peers.Tests;

/// <summary>
/// Every system the benchmark compares, started once for the test class: Starcite in process and as a server process,
/// and the redis-server, nats-server and PostgreSQL that test.sh starts through scripts/peer-infra.sh.
/// </summary>
public sealed class PeerSystemsFixture : IAsyncDisposable
{
    public static readonly TheoryData<string> Names = new("starcite-embedded", "starcite-http", "redis", "nats", "postgres");

    private readonly ConcurrentDictionary<string, Lazy<Task<IPeerSystem>>> _systems = new();

    public Task<IPeerSystem> GetAsync(string name) => _systems.GetOrAdd(name, n => new Lazy<Task<IPeerSystem>>(() => StartAsync(n))).Value;

    private static async Task<IPeerSystem> StartAsync(string name) => name switch
    {
        "starcite-embedded" => await StarciteEmbeddedSystem.StartAsync(),
        "starcite-http" => await StarciteHttpSystem.StartAsync(),
        "redis" => new RedisStreamsSystem("Redis Streams", Durability.FsyncBeforeAck, Required("PEER_REDIS_TEST")),
        "nats" => new NatsJetStreamSystem(Required("PEER_NATS_URL")),
        "postgres" => new PostgresSystem(Required("PEER_PG_CONNECTION")),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static string Required(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{variable} is not set: run the tests through ./test.sh, which starts the peers with scripts/peer-infra.sh " +
            "(or source scripts/peer-infra.sh and run peer_install, peer_redis_up test always, peer_nats_up and peer_pg_up first)");

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems.Values.Where(l => l.IsValueCreated))
        {
            try
            {
                await (await system.Value).DisposeAsync();
            }
            catch (Exception) when (!system.Value.IsCompletedSuccessfully)
            {
                // It never started; the test that needed it already failed with the reason.
            }
        }
    }
}
