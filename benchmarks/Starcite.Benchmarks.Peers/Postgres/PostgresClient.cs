using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Starcite.Benchmarks.Peers.Support;

namespace Starcite.Benchmarks.Peers.Postgres;

/// <summary>Commands through the system's pooled <see cref="NpgsqlDataSource"/>; each subscription holds one unpooled connection that LISTENs.</summary>
internal sealed class PostgresClient : IPeerClient
{
    private const int SeedBatch = 5000;
    private readonly NpgsqlDataSource _pool;
    private readonly string _listenConnectionString;
    private readonly bool _notifyInCommit;

    public PostgresClient(NpgsqlDataSource pool, string connectionString, bool notifyInCommit)
    {
        _pool = pool;
        _notifyInCommit = notifyInCommit;
        _listenConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 0 }.ConnectionString;
    }

    public async ValueTask CreateSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var command = _pool.CreateCommand("INSERT INTO starcite_sessions (id) VALUES ($1) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<PeerAppendResult> AppendAsync(string sessionId, PeerAppend append, CancellationToken cancellationToken)
    {
        await using var command = _pool.CreateCommand("SELECT outcome, seq, last_seq FROM starcite_append($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = append.ProducerId });
        command.Parameters.Add(new NpgsqlParameter { Value = append.ProducerSeq });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = append.ExpectedSeq is { } e ? e : DBNull.Value });
        var json = Encoding.UTF8.GetString(append.Payload.Span);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json });
        command.Parameters.Add(new NpgsqlParameter { Value = _notifyInCommit });
        int outcome;
        long seq, last;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (outcome, seq, last) = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        // NOTIFY holds a database-wide lock from before the commit until it is flushed, which would serialise every
        // append on one fsync. So the append commits durably without it, and the notification follows in its own
        // transaction that need not wait for the disk: the event is already durable, and a lost notification costs
        // nothing because a subscriber reads any gap from the table.
        if (outcome == 0 && !_notifyInCommit)
        {
            await using var notify = _pool.CreateCommand("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)");
            notify.Parameters.Add(new NpgsqlParameter { Value = $"s:{sessionId}" });
            notify.Parameters.Add(new NpgsqlParameter { Value = json.Length + append.ProducerId.Length < 7800 ? $"{seq}\n{append.ProducerSeq}\n{append.ProducerId}\n{json}" : $"{seq}" });
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

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
        await using var command = _pool.CreateCommand(
            "SELECT seq, producer_id, producer_seq, payload::text FROM starcite_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = cursor });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<PeerEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new PeerEvent(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), Encoding.UTF8.GetBytes(reader.GetString(3))));
        }

        return events;
    }

    public async Task<IPeerSubscription> SubscribeAsync(string sessionId, long cursor, CancellationToken cancellationToken)
    {
        var stream = new GapFreeStream(cursor, (c, limit, ct) => ReadAsync(sessionId, c, limit, ct));
        var connection = new NpgsqlConnection(_listenConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        connection.Notification += (_, e) => stream.OnNote(ParseNote(e.Payload));
        await using (var listen = new NpgsqlCommand($"LISTEN \"s:{sessionId}\"", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new Subscription(connection, stream);
    }

    public async ValueTask SeedAsync(string sessionId, int events, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // Batched inserts, one transaction per batch: the rows are the ones appends would write, without one commit each.
        var json = Encoding.UTF8.GetString(payload.Span);
        for (var from = 1; from <= events; from += SeedBatch)
        {
            var to = Math.Min(events, from + SeedBatch - 1);
            await using var batch = _pool.CreateBatch();
            batch.BatchCommands.Add(Command(
                "INSERT INTO starcite_events (session_id, seq, producer_id, producer_seq, payload) SELECT $1, g, 'seed', g, $2 FROM generate_series($3::bigint, $4::bigint) g",
                sessionId, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json }, (long)from, (long)to));
            batch.BatchCommands.Add(Command("UPDATE starcite_sessions SET last_seq = $2 WHERE id = $1", sessionId, (long)to));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the system owns the pool

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static LiveNote ParseNote(string payload)
    {
        var a = payload.IndexOf('\n', StringComparison.Ordinal);
        if (a < 0)
        {
            return new LiveNote(long.Parse(payload, CultureInfo.InvariantCulture), null);
        }

        var b = payload.IndexOf('\n', a + 1);
        var c = payload.IndexOf('\n', b + 1);
        var seq = long.Parse(payload.AsSpan(0, a), CultureInfo.InvariantCulture);
        return new LiveNote(seq, new PeerEvent(seq, payload[(b + 1)..c], long.Parse(payload.AsSpan(a + 1, b - a - 1), CultureInfo.InvariantCulture),
            Encoding.UTF8.GetBytes(payload[(c + 1)..])));
    }

    private sealed class Subscription : IPeerSubscription
    {
        private readonly NpgsqlConnection _connection;
        private readonly GapFreeStream _stream;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _pump;

        public Subscription(NpgsqlConnection connection, GapFreeStream stream)
        {
            _connection = connection;
            _stream = stream;
            _pump = PumpAsync();
        }

        public IAsyncEnumerable<PeerEvent> ReadAllAsync(CancellationToken cancellationToken) => _stream.ReadAllAsync(cancellationToken);

        // Npgsql raises Notification while a command runs or while WaitAsync waits; an idle listener must wait.
        private async Task PumpAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await _connection.WaitAsync(_stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _stream.Complete();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _pump.ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
