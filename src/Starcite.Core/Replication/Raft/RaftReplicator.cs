using System.Net;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;
using Starcite.Sessions;

namespace Starcite.Replication.Raft;

/// <summary>
/// The Raft engine (engine-notes §4.3): DotNext's <see cref="WriteAheadLog"/> is the durable log on the ack path, the
/// store is its state machine, writes go through the leader's <see cref="ProposalBatcher"/>, and reads pass a read
/// barrier so a cursor acknowledged anywhere is never in the future here. The only home of DotNext types, together
/// with the state machine and the snapshot.
/// </summary>
internal sealed partial class RaftReplicator : IAsyncDisposable
{
    /// <summary>The member-metadata key under which each node publishes its API address, for write forwarding.</summary>
    public const string ClientUrlKey = "starcite-client-url";

    private readonly RaftCluster _cluster;
    private readonly WriteAheadLog _wal;
    private readonly ProposalBatcher _batcher;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();

    private RaftReplicator(RaftCluster cluster, WriteAheadLog wal, ClusterOptions options, TimeProvider time, ILogger logger)
    {
        _cluster = cluster;
        _wal = wal;
        _options = options;
        _time = time;
        _logger = logger;
        _batcher = new ProposalBatcher((payload, context, token) => cluster.ReplicateAsync(payload, context, token), options, time, logger);
        _cluster.LeaderChanged += OnLeaderChanged;
    }

    /// <summary>True while this member is the leader.</summary>
    public bool IsLeader => !_cluster.LeadershipToken.IsCancellationRequested;

    /// <summary>The leader's API address, when a leader is known and published one.</summary>
    /// <remarks>A remote leader's metadata is fetched once per leader change; until it arrives this is null.</remarks>
    public string? LeaderClientUrl
    {
        get
        {
            switch (_cluster.Leader)
            {
                case null:
                    return null;
                case { IsRemote: false }:
                    return _options.ClientUrl;
                case var leader:
                    if (leader.TryGetMetadata()?.GetValueOrDefault(ClientUrlKey) is { Length: > 0 } url)
                    {
                        return url;
                    }

                    _ = FetchMetadataAsync(leader);
                    return null;
            }
        }
    }

    /// <summary>A snapshot of the member's view of the cluster.</summary>
    public ClusterStatus Status => new(
        IsLeader ? ClusterRole.Leader : _cluster.Leader is null ? ClusterRole.Candidate : ClusterRole.Follower,
        _cluster.Leader?.EndPoint.ToString(),
        LeaderClientUrl,
        _cluster.Term,
        _wal.LastCommittedEntryIndex,
        _wal.LastAppliedIndex);

    /// <summary>
    /// Opens the WAL over the store (which must already be recovered: the WAL replays only the entries after its
    /// checkpoint, engine-notes §3.9), applies what was committed before a restart, and joins the cluster.
    /// </summary>
    public static async Task<RaftReplicator> StartAsync(IReplicatedStore store, ClusterOptions options, string directory, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Starcite.Replication");
        var machine = new StarciteStateMachine(store, Path.Combine(directory, "incoming"));
        var wal = new WriteAheadLog(new WriteAheadLog.Options
        {
            Location = Path.Combine(directory, "wal"),
            ChunkSize = 8 << 20, // fixed at creation; the 4 KiB default means a page file every few events
            HashAlgorithm = WriteAheadLog.IntegrityHashAlgorithm.XxHash64,
            // Pages in process memory, written with pwrite: flushing mmap'd pages (msync) costs page-table work and TLB
            // shootdowns, which are dear in a VM (64 writers: about +25 % appends/s). The files are the same either way.
            MemoryManagement = WriteAheadLog.MemoryManagementStrategy.PrivateMemory,
        }, machine);
        RaftCluster? cluster = null;
        try
        {
            await wal.InitializeAsync(cancellationToken).ConfigureAwait(false);
            cluster = new RaftCluster(Configure(options, loggerFactory)) { AuditTrail = wal };
            await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
            var replicator = new RaftReplicator(cluster, wal, options, time, logger);
            LogClusterStarted(logger, options.Self!, options.Members.Count, wal.LastCommittedEntryIndex);
            return replicator;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }

            await wal.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Replicates a write through the leader and returns what applying it did.</summary>
    /// <exception cref="Starcite.NotLeaderException">This member is not the leader.</exception>
    /// <exception cref="UnavailableException">No quorum or no timely commit.</exception>
    public ValueTask<AppliedWrite> ProposeAsync(WriteCommand command, CancellationToken cancellationToken)
    {
        if (!IsLeader)
        {
            throw new Starcite.NotLeaderException(LeaderClientUrl);
        }

        return _batcher.ProposeAsync(command, LeaderClientUrl, cancellationToken);
    }

    /// <summary>
    /// Returns once this member has applied everything the cluster had committed when it was called (a linearizable
    /// read point). The leader proves its leadership with its lease, or a round of heartbeats without one.
    /// </summary>
    /// <exception cref="UnavailableException">No leader is known, or the barrier did not complete in time.</exception>
    public async ValueTask ReadBarrierAsync(CancellationToken cancellationToken)
    {
        if (_cluster.Leader is null)
        {
            throw new UnavailableException("No leader is known yet (an election is running); retry shortly");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CommitTimeout);
        try
        {
            var leased = IsLeader && _cluster.TryGetLeaseToken(out var lease) && !lease.IsCancellationRequested;
            await _cluster.ApplyReadBarrierAsync(leased ? ReadBarrierType.Weak : ReadBarrierType.Strong, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UnavailableException("The cluster did not confirm a read point in time; retry shortly", ex);
        }
        catch (LeaderOperationException ex)
        {
            throw new UnavailableException("No quorum is reachable; retry shortly", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _cluster.LeaderChanged -= OnLeaderChanged;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _batcher.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
            await _wal.DisposeAsync().ConfigureAwait(false);
            _lifetime.Dispose();
        }
    }

    private static RaftCluster.TcpConfiguration Configure(ClusterOptions options, ILoggerFactory loggerFactory)
    {
        var config = new RaftCluster.TcpConfiguration(ClusterEndPoints.Parse(options.Self!))
        {
            ConfigurationStorage = null!, // the built-in in-memory storage, seeded below with the static members
            ColdStart = false,            // every member of a static cluster starts equal (engine-notes §3.2)
            LowerElectionTimeout = options.LowerElectionTimeoutMilliseconds,
            UpperElectionTimeout = options.UpperElectionTimeoutMilliseconds,
            RequestTimeout = options.RequestTimeout,
            IsLeaderLeaseEnabled = true,
            LoggerFactory = loggerFactory,
        };
        if (options.ClientUrl is { Length: > 0 } url)
        {
            config.Metadata[ClientUrlKey] = url;
        }

        var initial = ((InMemoryClusterConfigurationStorage<EndPoint>)config.ConfigurationStorage).CreateInitialConfigurationBuilder();
        foreach (var member in options.Members)
        {
            initial.Add(ClusterEndPoints.Parse(member));
        }

        initial.Build();
        return config;
    }

    /// <summary>Asks a member for its metadata (the transport caches the answer), so its client URL becomes known.</summary>
    private async Task FetchMetadataAsync(RaftClusterMember member)
    {
        try
        {
            await member.GetMetadataAsync(refresh: false, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unreachable or stopping: the next leader change or lookup asks again.
        }
    }

    private void OnLeaderChanged(ICluster cluster, IClusterMember? leader)
    {
        if (leader is RaftClusterMember { IsRemote: true } remote)
        {
            _ = FetchMetadataAsync(remote);
        }

        var name = (leader as RaftClusterMember)?.EndPoint.ToString() ?? "none";
        LogLeaderChanged(_logger, name);
    }

    [LoggerMessage(EventId = Diagnostics.LogEvents.ClusterStarted, EventName = nameof(Diagnostics.LogEvents.ClusterStarted), Level = LogLevel.Information,
        Message = "Joined the Raft cluster as {Self} ({MemberCount} members); the WAL had committed up to entry {CommitIndex}")]
    private static partial void LogClusterStarted(ILogger logger, string self, int memberCount, long commitIndex);

    [LoggerMessage(EventId = Diagnostics.LogEvents.LeaderChanged, EventName = nameof(Diagnostics.LogEvents.LeaderChanged), Level = LogLevel.Information,
        Message = "The Raft leader is now {Leader}")]
    private static partial void LogLeaderChanged(ILogger logger, string leader);
}
