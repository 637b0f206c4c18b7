using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Starcite.Archive.PostgreSql.Diagnostics;
using Starcite.Archive.PostgreSql.Schema;

namespace Starcite.Archive.PostgreSql;

/// <summary>
/// An <see cref="IArchiveStore"/> on PostgreSQL (Npgsql): one row per event, primary key (session_id, seq), and one
/// row per session holding its record as last written. Table layout: docs/archive-layout.md.
/// </summary>
/// <remarks>
/// <para><b>Schema.</b> <see cref="InitializeAsync"/> creates or migrates the tables; every other call runs it first
/// when it has not succeeded yet. Concurrent starts are serialised by an advisory lock.</para>
/// <para><b>Writes.</b> One <see cref="WriteAsync"/> is one transaction: events are sent with binary COPY (through
/// <c>ON CONFLICT DO NOTHING</c> when some are stored already, so a rewrite keeps the first copy), records are upserted.
/// It throws unless it committed.</para>
/// <para><b>Concurrency.</b> Every member is thread-safe; connections come from the Npgsql pool of this store.</para>
/// </remarks>
public sealed partial class PostgreSqlArchiveStore : IArchiveStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ArchiveTables _tables;
    private readonly PostgreSqlArchiveOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initializeLock = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates a store; it connects on first use (or <see cref="InitializeAsync"/>).</summary>
    /// <param name="options">Connection string, schema and table prefix.</param>
    /// <param name="loggerFactory">Logging for the store and Npgsql; none when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">Some option is invalid.</exception>
    public PostgreSqlArchiveStore(PostgreSqlArchiveOptions options, ILoggerFactory? loggerFactory = null)
    {
        PostgreSqlArchiveOptionsValidator.ThrowIfInvalid(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        _options = options;
        _logger = loggerFactory.CreateLogger<PostgreSqlArchiveStore>();
        _tables = new ArchiveTables(options.Schema, options.TablePrefix);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        _dataSource = builder.Build();
        var cs = builder.ConnectionStringBuilder;
        PostgreSqlArchiveLog.Opened(_logger, cs.Host, cs.Port, cs.Database, cs.Username, options.Schema, options.TablePrefix);
    }

    /// <summary>Creates the schema and tables, or migrates them to this version; does nothing once it has succeeded.</summary>
    /// <param name="cancellationToken">Cancels the initialization; a later call tries again.</param>
    /// <returns>Completes when the tables are ready.</returns>
    /// <exception cref="NpgsqlException">PostgreSQL could not be reached or refused a statement.</exception>
    /// <exception cref="InvalidOperationException">The tables were migrated by a newer version of this package.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initializeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await RunAsync(MigrateAsync, cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _initializeLock.Release();
        }
    }

    /// <summary>Closes the store's connection pool.</summary>
    /// <returns>Completes when every pooled connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initializeLock.Dispose();
    }

    /// <summary>Closes the store's connection pool.</summary>
    public void Dispose()
    {
        _dataSource.Dispose();
        _initializeLock.Dispose();
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);

        // Two processes starting at once must not both create the tables; the lock ends with the transaction.
        using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = _tables.LockName });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists; a role that was given a
        // schema by its DBA may lack it, so look first.
        using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", connection, transaction))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = _tables.Schema });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {_tables.QuotedSchema}", cancellationToken).ConfigureAwait(false);
            }
        }

        await ExecuteAsync(connection, transaction, $"""
            CREATE TABLE IF NOT EXISTS {_tables.SchemaVersion} (
                version    integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken).ConfigureAwait(false);

        int current;
        using (var versionCommand = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {_tables.SchemaVersion}", connection, transaction))
        {
            current = (int)(await versionCommand.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (current > Migrations.Latest)
        {
            throw new InvalidOperationException(
                $"The archive tables in schema '{_tables.Schema}' are at schema version {current}, newer than the {Migrations.Latest} " +
                "this version of Starcite.Archive.PostgreSql understands; upgrade the package or use another Schema/TablePrefix.");
        }

        for (var version = current + 1; version <= Migrations.Latest; version++)
        {
            await ExecuteAsync(connection, transaction, Migrations.All[version - 1](_tables), cancellationToken).ConfigureAwait(false);
            using var record = new NpgsqlCommand($"INSERT INTO {_tables.SchemaVersion} (version) VALUES ($1)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = version });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (current < Migrations.Latest)
        {
            PostgreSqlArchiveLog.SchemaMigrated(_logger, _tables.Schema, current, Migrations.Latest);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one unit of work. After a connection-level failure (not an error PostgreSQL reported) the pool is cleared:
    /// its idle connections most likely died with the one that failed, and the next call should reconnect rather than
    /// fail again on a dead socket.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            ClearPool(e);
            throw;
        }
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    private async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            ClearPool(e);
            throw;
        }
    }

    private static bool IsConnectionFailure(Exception e) => e is NpgsqlException and not PostgresException or IOException or TimeoutException;

    private void ClearPool(Exception e)
    {
        PostgreSqlArchiveLog.PoolCleared(_logger, e);
        _dataSource.Clear();
    }

    private async ValueTask EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
