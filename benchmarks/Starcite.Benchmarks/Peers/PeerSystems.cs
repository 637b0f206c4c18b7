using Starcite.Benchmarks.Peers.Nats;
using Starcite.Benchmarks.Peers.Postgres;
using Starcite.Benchmarks.Peers.Redis;
using Starcite.Benchmarks.Peers.Starcite;

namespace Starcite.Benchmarks.Peers;

/// <summary>
/// The systems of one run. Starcite is started here (in process, and the real server as a child process); the peers
/// come from the environment that scripts/peer-infra.sh exports, and a peer without its variable is left out.
/// </summary>
internal static class PeerSystems
{
    public static async Task<List<(string Key, IPeerSystem System)>> StartAsync(PeerBenchOptions options)
    {
        bool Wanted(string key) => options.Systems.Count == 0 || options.Systems.Contains(key);
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        static int? Pid(string name) => Env(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;

        var systems = new List<(string, IPeerSystem)>();
        if (Wanted("starcite-embedded"))
        {
            systems.Add(("starcite-embedded", await StarciteEmbeddedSystem.StartAsync()));
        }

        if (Wanted("starcite-http"))
        {
            systems.Add(("starcite-http", await StarciteHttpSystem.StartAsync()));
        }

        if (Wanted("redis-always") && Env("PEER_REDIS_ALWAYS") is { } always)
        {
            systems.Add(("redis-always", new RedisStreamsSystem("Redis Streams (appendfsync always)", Durability.FsyncBeforeAck, always,
                Pid("PEER_REDIS_ALWAYS_PID"), Env("PEER_REDIS_ALWAYS_DIR"))));
        }

        if (Wanted("redis-everysec") && Env("PEER_REDIS_EVERYSEC") is { } everysec)
        {
            systems.Add(("redis-everysec", new RedisStreamsSystem("Redis Streams (appendfsync everysec)", Durability.FsyncEverySecond, everysec,
                Pid("PEER_REDIS_EVERYSEC_PID"), Env("PEER_REDIS_EVERYSEC_DIR"))));
        }

        if (Wanted("nats") && Env("PEER_NATS_URL") is { } nats)
        {
            systems.Add(("nats", new NatsJetStreamSystem(nats, Pid("PEER_NATS_PID"), Env("PEER_NATS_DIR"))));
        }

        if (Wanted("postgres") && Env("PEER_PG_CONNECTION") is { } pg)
        {
            systems.Add(("postgres", new PostgresSystem(pg, Env("PEER_PG_DIR"))));
        }

        // The simpler design, for the record: see PostgresSystem. Only when asked for by name.
        if (options.Systems.Contains("postgres-notify-in-commit") && Env("PEER_PG_CONNECTION") is { } pgInCommit)
        {
            systems.Add(("postgres-notify-in-commit", new PostgresSystem(pgInCommit, notifyInCommit: true)));
        }

        return systems;
    }
}
