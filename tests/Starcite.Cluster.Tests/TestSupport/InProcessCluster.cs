using Starcite.Archive;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Replication;
using Starcite.Sessions;

namespace Starcite.Cluster.Tests.TestSupport;

/// <summary>
/// Three (or five) engines in this process, each on its own data directory, forming a Raft cluster over TCP on
/// OS-assigned loopback ports. Members can be stopped, wiped and restarted; waits are on conditions with deadlines.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "starcite-cluster-tests", Guid.NewGuid().ToString("N"));
    private readonly string[] _members;
    private readonly StarciteEngine?[] _engines;
    private readonly Action<StarciteOptions>? _configure;
    private readonly Func<int, IArchiveStore>? _archiveStore;
    private readonly Starcite.Tests.TestSupport.CapturingLoggerFactory?[] _logs;

    private InProcessCluster(int size, Action<StarciteOptions>? configure, Func<int, IArchiveStore>? archiveStore)
    {
        _archiveStore = archiveStore;
        _members = [.. FreePorts.Take(size).Select(port => $"127.0.0.1:{port}")];
        _engines = new StarciteEngine?[size];
        _logs = new Starcite.Tests.TestSupport.CapturingLoggerFactory?[size];
        _configure = configure;
    }

    public int Size => _members.Length;

    /// <summary>The running engine of member <paramref name="i"/>; fails when it is stopped.</summary>
    public StarciteEngine this[int i] => _engines[i] ?? throw new InvalidOperationException($"Member {i} is stopped.");

    public IEnumerable<int> Running => Enumerable.Range(0, Size).Where(i => _engines[i] is not null);

    /// <summary>Starts <paramref name="size"/> members; <paramref name="archiveStore"/> gives member i its archive store
    /// at each start (none when null). The stores are the caller's to dispose, after the cluster.</summary>
    public static async Task<InProcessCluster> StartAsync(int size = 3, Action<StarciteOptions>? configure = null, Func<int, IArchiveStore>? archiveStore = null)
    {
        var cluster = new InProcessCluster(size, configure, archiveStore);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, size).Select(cluster.StartMemberAsync));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public string DataDirectory(int i) => Path.Combine(_root, $"node{i}");

    public async Task StartMemberAsync(int i)
    {
        var options = new StarciteOptions { DataDirectory = DataDirectory(i) };
        options.Storage.MemorySize = 1L << 23;
        options.Storage.IndexMemorySize = 1L << 22;
        options.Storage.IndexBuckets = 1L << 14;
        options.Cluster.Members = [.. _members];
        options.Cluster.Self = _members[i];
        options.Cluster.ClientUrl = $"http://member{i}.test";
        _configure?.Invoke(options);
        var logs = _logs[i] = new Starcite.Tests.TestSupport.CapturingLoggerFactory();
        _engines[i] = await StarciteEngine.StartAsync(options, logs, archiveStore: _archiveStore?.Invoke(i), cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Everything member <paramref name="i"/> logged since it last started.</summary>
    public Starcite.Tests.TestSupport.CapturingLoggerFactory Logs(int i) => _logs[i] ?? throw new InvalidOperationException($"Member {i} never started.");

    /// <summary>Deletes a stopped member's data directory, as if its disk were replaced.</summary>
    public void Wipe(int i)
    {
        if (_engines[i] is not null)
        {
            throw new InvalidOperationException($"Stop member {i} before wiping it.");
        }

        Directory.Delete(DataDirectory(i), recursive: true);
    }

    /// <summary>Disposes member <paramref name="i"/> (a graceful stop; its data directory stays).</summary>
    public async Task StopMemberAsync(int i)
    {
        if (_engines[i] is { } engine)
        {
            _engines[i] = null;
            await engine.DisposeAsync();
        }
    }

    /// <summary>Waits until some running member leads and every running member follows it; returns the leader.</summary>
    public async Task<int> WaitForLeaderAsync()
    {
        return await Eventually.ValueAsync(() =>
        {
            var running = Running.ToList();
            var leaders = running.Where(i => this[i].Cluster?.Role == ClusterRole.Leader).ToList();
            return leaders.Count == 1 && running.All(i => this[i].Cluster?.LeaderClientUrl == $"http://member{leaders[0]}.test")
                ? leaders[0]
                : (int?)null;
        }, "a single leader known to every running member");
    }

    public int AnyFollower(int leader) => Running.First(i => i != leader);

    /// <summary>Waits until member <paramref name="i"/> has session <paramref name="sessionId"/> with at least <paramref name="lastSeq"/> events.</summary>
    public Task WaitForLastSeqAsync(int i, string sessionId, long lastSeq) =>
        Eventually.UntilAsync(() => _engines[i] is { } engine && engine.TryGetCommittedSeq(sessionId) >= lastSeq,
            $"member {i} to hold {sessionId} up to seq {lastSeq}");

    public static AppendRequest Event(string producer, long producerSeq, long? expectedSeq = null, string type = "content") => new()
    {
        Type = type,
        ExpectedSeq = expectedSeq,
        Payload = System.Text.Encoding.UTF8.GetBytes($$"""{"text":"{{producer}}-{{producerSeq}}"}"""),
        Actor = "agent:test",
        ProducerId = producer,
        ProducerSeq = producerSeq,
    };

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            await StopMemberAsync(i);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
