using Npgsql;
using Starcite.Archive.PostgreSql;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Cluster.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Cluster.Tests.Archive;

/// <summary>
/// Three members share one PostgreSQL archive (a schema of this test's own on TEST_PG_CONNECTION): only the leader
/// writes to it, every member agrees on archived_seq (it is replicated), and a new leader carries on from the
/// replicated archived_seq with nothing missing or written twice.
/// </summary>
[Collection(nameof(ClusterTests))]
[Trait("Category", "Cluster")]
public sealed class LeaderOnlyArchiverTests : IAsyncLifetime
{
    private static readonly string[] Sessions = ["ses_a", "ses_b"];
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
    private readonly List<RecordingArchiveStore> _stores = [];
    private readonly RecordingArchiveStore?[] _byMember = new RecordingArchiveStore?[3];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Connection => Environment.GetEnvironmentVariable("TEST_PG_CONNECTION") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            "TEST_PG_CONNECTION is not set. This test needs a real PostgreSQL: run it through ./test.sh, or from a shell " +
            "`source scripts/test-infra.sh && infra_install && infra_up` first.");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(Connection);
        await connection.OpenAsync(CancellationToken.None);
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Archiver_ThreeMembersOneArchive_OnlyTheLeaderWritesAndANewLeaderContinuesFromTheReplicatedArchivedSeq()
    {
        await using var cluster = await InProcessCluster.StartAsync(configure: options =>
        {
            options.Archive.FlushInterval = TimeSpan.FromMilliseconds(20);
            options.Archive.MaxBatchEvents = 64;
            options.Archive.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        }, archiveStore: OpenStore);
        var leader = await cluster.WaitForLeaderAsync();
        foreach (var id in Sessions)
        {
            await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = id }, Ct);
        }

        await AppendAsync(cluster[leader], 1, 100);
        await WaitArchivedEverywhereAsync(cluster, 100);
        Assert.True(_byMember[leader]!.WriteAttempts > 0, "the leader never archived");
        Assert.All(cluster.Running.Where(i => i != leader), i => Assert.Equal(0, _byMember[i]!.WriteAttempts));

        // The leader goes; the new one archives what follows from the replicated archived_seq, not from the start.
        await cluster.StopMemberAsync(leader);
        var next = await cluster.WaitForLeaderAsync();
        await AppendAsync(cluster[next], 101, 200);
        await WaitArchivedEverywhereAsync(cluster, 200);
        Assert.All(cluster.Running.Where(i => i != next), i => Assert.Equal(0, _byMember[i]!.WriteAttempts));
        foreach (var id in Sessions)
        {
            var writes = _byMember[next]!.Confirmed.SelectMany(batch => batch).Where(w => w.Session.Id == id && w.Events.Count > 0).ToList();
            Assert.NotEmpty(writes);
            Assert.Equal(101, writes[0].Events[0].Seq);
        }

        // The archive holds each event once, exactly as the members do.
        await using var archive = new PostgreSqlArchiveStore(Options());
        foreach (var id in Sessions)
        {
            var held = await archive.ReadEventsAsync(id, 0, 1000, Ct);
            var local = (await cluster[next].ReadEventsAsync(id, 0, 1000, Ct)).Events;
            Assert.Equal(Enumerable.Range(1, 200).Select(n => (long)n), held.Select(e => e.Seq));
            Assert.Equal(local.Select(Describe), held.Select(Describe));
        }
    }

    private PostgreSqlArchiveOptions Options() => new() { ConnectionString = Connection, Schema = _schema };

    private RecordingArchiveStore OpenStore(int member)
    {
        var store = new RecordingArchiveStore(new PostgreSqlArchiveStore(Options()));
        _stores.Add(store);
        _byMember[member] = store;
        return store;
    }

    private static async Task AppendAsync(StarciteEngine engine, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            foreach (var id in Sessions)
            {
                var result = await engine.AppendAsync(id, InProcessCluster.Event("p", n), Ct);
                Assert.Equal((AppendStatus.Appended, (long)n), (result.Status, result.Seq));
            }
        }
    }

    /// <summary>Every running member reports archived_seq = last_seq = <paramref name="lastSeq"/> for every session.</summary>
    private static Task<bool> WaitArchivedEverywhereAsync(InProcessCluster cluster, long lastSeq) =>
        Eventually.ValueAsync(async () =>
        {
            foreach (var member in cluster.Running)
            {
                foreach (var id in Sessions)
                {
                    var session = await cluster[member].GetSessionAsync(id, Ct);
                    if (session is null || session.LastSeq != lastSeq || session.ArchivedSeq != lastSeq)
                    {
                        return (bool?)null;
                    }
                }
            }

            return true;
        }, $"archived_seq {lastSeq} on every running member");

    private static string Describe(SessionEvent e) =>
        $"{e.Seq} {e.Type} {e.Actor} {e.ProducerId}/{e.ProducerSeq} {e.Source} {e.IdempotencyKey} {e.InsertedAt.UtcTicks} " +
        $"{System.Text.Encoding.UTF8.GetString(e.Payload.Span)} {System.Text.Encoding.UTF8.GetString(e.Metadata.Span)} {System.Text.Encoding.UTF8.GetString(e.Refs.Span)}";
}
