using System.Data;
using Npgsql;
using Starcite.Archive.PostgreSql.Internal;
using Starcite.Sessions;

namespace Starcite.Archive.PostgreSql;

public sealed partial class PostgreSqlArchiveStore
{
    // A generous first page without letting limit = int.MaxValue allocate gigabytes up front.
    private const int MaxInitialCapacity = 1024;

    /// <inheritdoc />
    /// <remarks>Reads <c>WHERE session_id = $1 AND seq > $2 AND seq &lt;= $2 + limit ORDER BY seq</c> and stops at the
    /// first gap, so the result is always consecutive from <c>afterSeq + 1</c>. The events' buffers are owned by the caller.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="sessionId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sessionId"/> is not a valid session id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterSeq"/> is negative or <paramref name="limit"/> is below 1.</exception>
    /// <exception cref="NpgsqlException">PostgreSQL could not be reached, or failed the read.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask<IReadOnlyList<SessionEvent>> ReadEventsAsync(string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArchiveArguments.ValidateRead(sessionId, afterSeq, limit);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(ct => ReadEventsCoreAsync(sessionId, afterSeq, limit, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is below 1.</exception>
    /// <exception cref="NpgsqlException">PostgreSQL could not be reached, or failed the read.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask<SessionPage> ListSessionsAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArchiveArguments.ValidateList(limit);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(ct => ListSessionsCoreAsync(afterId, limit, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<SessionEvent>> ReadEventsCoreAsync(string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        // The upper bound is what a consecutive result can reach anyway; it keeps every plan to `limit` rows. Without
        // it, a table whose statistics lag a bulk load (estimated rows: a few hundred) is read by a bitmap scan of
        // every row after the cursor plus a sort, which makes a replay quadratic in the session's length.
        using var command = _dataSource.CreateCommand($"""
            SELECT seq, type, payload, actor, producer_id, producer_seq, source, metadata, refs, idempotency_key, inserted_at, escaped
            FROM {_tables.Events} WHERE session_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = afterSeq });
        command.Parameters.Add(new NpgsqlParameter { Value = ArchiveArguments.LastWanted(afterSeq, limit) });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)limit });
        var events = new List<SessionEvent>(Math.Min(limit, MaxInitialCapacity));
        var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var expected = afterSeq + 1;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var seq = reader.GetInt64(0);
            if (seq != expected)
            {
                break; // a gap: what follows is not consecutive with what was read, so it is not returned
            }

            // SequentialAccess: columns are read once, in order; "escaped" is last, so decoding waits for it.
            var type = reader.GetString(1);
            var payload = reader.GetFieldValue<byte[]>(2);
            var actor = reader.GetString(3);
            var producerId = reader.GetString(4);
            var producerSeq = reader.GetInt64(5);
            var source = reader.IsDBNull(6) ? null : reader.GetString(6);
            var metadata = reader.GetFieldValue<byte[]>(7);
            var refs = reader.GetFieldValue<byte[]>(8);
            var idempotencyKey = reader.IsDBNull(9) ? null : reader.GetString(9);
            var insertedAt = reader.GetFieldValue<DateTimeOffset>(10);
            var escaped = reader.IsDBNull(11) ? (short)0 : reader.GetInt16(11);
            if (escaped != 0)
            {
                type = TextEscaping.Decode(type, EventRows.TypeBit, escaped)!;
                actor = TextEscaping.Decode(actor, EventRows.ActorBit, escaped)!;
                producerId = TextEscaping.Decode(producerId, EventRows.ProducerIdBit, escaped)!;
                source = TextEscaping.Decode(source, EventRows.SourceBit, escaped);
                idempotencyKey = TextEscaping.Decode(idempotencyKey, EventRows.IdempotencyKeyBit, escaped);
            }

            events.Add(new SessionEvent(sessionId, seq, type, payload, actor, producerId, producerSeq, source, metadata, refs, idempotencyKey, insertedAt));
            expected++;
        }

        return events;
    }

    private async Task<SessionPage> ListSessionsCoreAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        const string Columns =
            "session_id, title, metadata, creator_tenant_id, creator_id, creator_type, last_seq, archived_seq, created_at, updated_at, escaped";
        using var command = _dataSource.CreateCommand(afterId is null
            ? $"SELECT {Columns} FROM {_tables.Sessions} ORDER BY session_id LIMIT $1"
            : $"SELECT {Columns} FROM {_tables.Sessions} WHERE session_id > $2 ORDER BY session_id LIMIT $1");

        // One row more than the page tells whether another page follows, so NextCursor is null exactly at the end.
        command.Parameters.Add(new NpgsqlParameter { Value = (long)limit + 1 });
        if (afterId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = afterId });
        }

        var sessions = new List<SessionInfo>(Math.Min(limit, MaxInitialCapacity));
        var more = false;
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (sessions.Count == limit)
            {
                more = true;
                break;
            }

            sessions.Add(ReadSession(reader));
        }

        return new SessionPage(sessions, more ? sessions[^1].Id : null);
    }

    private static SessionInfo ReadSession(NpgsqlDataReader reader)
    {
        var escaped = reader.IsDBNull(10) ? (short)0 : reader.GetInt16(10);
        var title = TextEscaping.Decode(reader.IsDBNull(1) ? null : reader.GetString(1), SessionRows.TitleBit, escaped);
        Principal? creator = null;
        if (!reader.IsDBNull(5))
        {
            creator = new Principal(
                TextEscaping.Decode(reader.GetString(3), SessionRows.CreatorTenantIdBit, escaped)!,
                TextEscaping.Decode(reader.GetString(4), SessionRows.CreatorIdBit, escaped)!,
                PrincipalTypes.FromText(reader.GetString(5)));
        }

        return new SessionInfo(
            reader.GetString(0),
            title,
            reader.GetFieldValue<byte[]>(2),
            creator,
            reader.GetInt64(6),
            reader.GetInt64(7),
            reader.GetFieldValue<DateTimeOffset>(8),
            reader.GetFieldValue<DateTimeOffset>(9));
    }
}
