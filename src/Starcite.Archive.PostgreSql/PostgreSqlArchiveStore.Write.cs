using Npgsql;
using NpgsqlTypes;
using Starcite.Archive.PostgreSql.Internal;
using Starcite.Sessions;

namespace Starcite.Archive.PostgreSql;

public sealed partial class PostgreSqlArchiveStore
{
    // A statement's arrays stay well under PostgreSQL's 1 GB message limit and keep server memory per statement modest.
    private const long MaxBytesPerStatement = 16L << 20;
    private const int MaxRowsPerStatement = 4096;

    private const string EventColumnList =
        "session_id, seq, type, payload, actor, producer_id, producer_seq, source, metadata, refs, idempotency_key, inserted_at, escaped";

    private const string SessionColumnList =
        "session_id, title, metadata, creator_tenant_id, creator_id, creator_type, last_seq, archived_seq, created_at, updated_at, escaped";

    /// <inheritdoc />
    /// <remarks>
    /// One transaction: every event is inserted unless its (session_id, seq) is already stored, and every session
    /// record replaces the stored one. Nothing is visible until the commit; when this throws, nothing or everything
    /// was committed (a lost commit acknowledgement), and a retry with the same batch is always safe.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> or part of it is null.</exception>
    /// <exception cref="ArgumentException">The batch breaks the rules of <see cref="ArchiveWrite"/>.</exception>
    /// <exception cref="NpgsqlException">PostgreSQL could not be reached, or failed the write.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask WriteAsync(IReadOnlyList<ArchiveWrite> batch, CancellationToken cancellationToken)
    {
        ArchiveArguments.ValidateBatch(batch);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return;
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await RunAsync(ct => WriteBatchAsync(batch, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteBatchAsync(IReadOnlyList<ArchiveWrite> batch, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var hasEvents = batch.Any(write => write.Events.Count > 0); // a batch of session records only copies nothing
        if (hasEvents && _options.InsertMethod != EventInsertMethod.Unnest)
        {
            await CopyEventsAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
        }
        else if (hasEvents)
        {
            foreach (var slice in Slices(batch, MaxRowsPerStatement))
            {
                await InsertEventsAsync(connection, transaction, slice, cancellationToken).ConfigureAwait(false);
            }
        }

        for (var start = 0; start < batch.Count; start += MaxRowsPerStatement)
        {
            var rows = new SessionRows(batch, start, Math.Min(MaxRowsPerStatement, batch.Count - start));
            await ExecuteAsync(connection, transaction, UpsertSessionsSql, rows.Columns(), cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private string InsertEventsSql => $"""
        INSERT INTO {_tables.Events} ({EventColumnList})
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::bigint[],
                             $8::text[], $9::bytea[], $10::bytea[], $11::text[], $12::timestamptz[], $13::smallint[])
        ON CONFLICT (session_id, seq) DO NOTHING
        """;

    private string UpsertSessionsSql => $"""
        INSERT INTO {_tables.Sessions} ({SessionColumnList})
        SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
                             $9::timestamptz[], $10::timestamptz[], $11::smallint[])
        ON CONFLICT (session_id) DO UPDATE SET
            title = EXCLUDED.title, metadata = EXCLUDED.metadata, creator_tenant_id = EXCLUDED.creator_tenant_id,
            creator_id = EXCLUDED.creator_id, creator_type = EXCLUDED.creator_type, last_seq = EXCLUDED.last_seq,
            archived_seq = EXCLUDED.archived_seq, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
            escaped = EXCLUDED.escaped
        """;

    private Task InsertEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<SessionEvent> slice, CancellationToken cancellationToken)
    {
        var rows = new EventRows(slice.Count);
        for (var i = 0; i < slice.Count; i++)
        {
            rows.Set(i, slice[i]);
        }

        return ExecuteAsync(connection, transaction, InsertEventsSql, rows.Columns(), cancellationToken);
    }

    /// <summary>
    /// Binary COPY straight into the events table when none of the batch's events is stored yet (the archiver's
    /// usual write); otherwise into a temporary table dropped at commit, then INSERT ... SELECT ON CONFLICT DO NOTHING,
    /// because COPY cannot skip conflicts itself. A writer racing this one between the check and the COPY makes it
    /// fail with a unique violation, and the retry takes the second path.
    /// </summary>
    private async Task CopyEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ArchiveWrite> batch,
        CancellationToken cancellationToken)
    {
        if (_options.InsertMethod == EventInsertMethod.Copy && !await AnyStoredAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false))
        {
            await CopyRowsAsync(connection, $"COPY {_tables.Events} ({EventColumnList}) FROM STDIN (FORMAT BINARY)", batch, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        // The temporary table costs a few catalog rows per write, which autovacuum reclaims; Npgsql resets pooled
        // connections with DISCARD ALL, so a longer-lived one would not survive anyway.
        await ExecuteAsync(connection, transaction,
            $"CREATE TEMP TABLE starcite_archive_stage (LIKE {_tables.Events}) ON COMMIT DROP", [], cancellationToken).ConfigureAwait(false);
        await CopyRowsAsync(connection, $"COPY starcite_archive_stage ({EventColumnList}) FROM STDIN (FORMAT BINARY)", batch, cancellationToken)
            .ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO {_tables.Events} ({EventColumnList}) SELECT {EventColumnList} FROM starcite_archive_stage ON CONFLICT (session_id, seq) DO NOTHING",
            [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the archive holds any (session, seq) of the batch: one primary-key range probe per session run.</summary>
    private async Task<bool> AnyStoredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ArchiveWrite> batch,
        CancellationToken cancellationToken)
    {
        var runs = batch.Where(w => w.Events.Count > 0).ToList();
        using var command = new NpgsqlCommand($"""
            SELECT EXISTS (
                SELECT 1 FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS run(session_id, first_seq, last_seq)
                WHERE EXISTS (SELECT 1 FROM {_tables.Events} e
                              WHERE e.session_id = run.session_id AND e.seq BETWEEN run.first_seq AND run.last_seq))
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = runs.Select(w => w.Session.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = runs.Select(w => w.Events[0].Seq).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = runs.Select(w => w.Events[^1].Seq).ToArray() });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task CopyRowsAsync(NpgsqlConnection connection, string copyCommand, IReadOnlyList<ArchiveWrite> batch,
        CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(copyCommand, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            var row = new EventRows(1);
            foreach (var write in batch)
            {
                foreach (var e in write.Events)
                {
                    row.Set(0, e);
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.SessionId[0], NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Seq[0], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Type[0], NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Payload[0], NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Actor[0], NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.ProducerId[0], NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.ProducerSeq[0], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(importer, row.Source[0], NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Metadata[0], NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Refs[0], NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await WriteNullableAsync(importer, row.IdempotencyKey[0], NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.InsertedAt[0], NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    if (row.Escaped[0] is { } escaped)
                    {
                        await importer.WriteAsync(escaped, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IEnumerable<object> parameters,
        CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batch's events in slices of at most <paramref name="maxEvents"/> events and about 16 MiB.</summary>
    private static IEnumerable<List<SessionEvent>> Slices(IReadOnlyList<ArchiveWrite> batch, int maxEvents)
    {
        var slice = new List<SessionEvent>();
        long bytes = 0;
        foreach (var write in batch)
        {
            foreach (var e in write.Events)
            {
                var size = e.Payload.Length + e.Metadata.Length + e.Refs.Length + 128;
                if (slice.Count > 0 && (slice.Count == maxEvents || bytes + size > MaxBytesPerStatement))
                {
                    yield return slice;
                    slice = [];
                    bytes = 0;
                }

                slice.Add(e);
                bytes += size;
            }
        }

        if (slice.Count > 0)
        {
            yield return slice;
        }
    }
}
