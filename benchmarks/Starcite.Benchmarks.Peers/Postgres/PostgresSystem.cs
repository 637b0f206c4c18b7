using Npgsql;
using Starcite.Benchmarks.Peers.Support;

namespace Starcite.Benchmarks.Peers.Postgres;

/// <summary>A PostgreSQL cluster started elsewhere (scripts/peer-infra.sh), with <c>synchronous_commit = on</c>: a commit returns after its WAL is flushed.</summary>
public sealed class PostgresSystem : IPeerSystem
{
    private readonly string _connectionString;
    private readonly string? _dataDirectory;
    private readonly NpgsqlDataSource _pool;
    private readonly bool _notifyInCommit;
    private int _schemaReady;

    /// <param name="connectionString">Npgsql connection string.</param>
    /// <param name="dataDirectory">The cluster's data directory, for memory and disk figures.</param>
    /// <param name="notifyInCommit">NOTIFY inside the append's transaction (simplest, but all appends then queue on one
    /// lock held across each fsync) instead of right after it.</param>
    public PostgresSystem(string connectionString, string? dataDirectory = null, bool notifyInCommit = false)
    {
        _notifyInCommit = notifyInCommit;
        // Statements are prepared once per pooled connection; that is how a tuned Npgsql application runs.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 16, AutoPrepareMinUsages = 2, MaxPoolSize = 200 }.ConnectionString;
        _dataDirectory = dataDirectory;
        _pool = NpgsqlDataSource.Create(_connectionString);
    }

    public string Name => _notifyInCommit ? "PostgreSQL (NOTIFY in the commit)" : "PostgreSQL";

    public Durability Durability => Durability.FsyncBeforeAck;

    public async Task<IPeerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _schemaReady, 1, 0) == 0)
        {
            await using var command = _pool.CreateCommand(EmbeddedText.Read("Postgres.schema.sql"));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // One pool per application, as Npgsql intends: every client of this process shares it.
        return new PostgresClient(_pool, _connectionString, _notifyInCommit);
    }

    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        var settings = new List<string>();
        foreach (var name in new[] { "synchronous_commit", "fsync", "wal_sync_method", "full_page_writes", "shared_buffers", "max_connections" })
        {
            await using var command = _pool.CreateCommand($"SHOW {name}");
            settings.Add($"`{name} {await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)}`");
        }

        await using var version = _pool.CreateCommand("SHOW server_version");
        return $"PostgreSQL {await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)} (Debian package), {string.Join(", ", settings)}; " +
            (_notifyInCommit ? "NOTIFY inside the append transaction" : "NOTIFY right after the durable commit, in its own transaction with `synchronous_commit off`");
    }

    public ResourceUsage? MeasureResources()
    {
        if (_dataDirectory is null)
        {
            return null;
        }

        // Table pages reach their files at a checkpoint; without one the data directory holds only the WAL.
        using (var checkpoint = _pool.CreateCommand("CHECKPOINT"))
        {
            checkpoint.ExecuteNonQuery();
        }

        return new ResourceUsage(ServerResources.Pss(ServerProcessIds()), ServerResources.DiskBytes(_dataDirectory));
    }

    // The postmaster's pid is the first line of postmaster.pid; every backend and helper is its child.
    public IReadOnlyList<int> ServerProcessIds() => _dataDirectory is null
        ? []
        : ServerResources.WithDescendants(int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture));

    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
