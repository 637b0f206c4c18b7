using Starcite.Archive.PostgreSql;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.PostgreSql;

/// <summary>Schema creation and migration, and the tables as an operator sees them with plain SQL.</summary>
[Trait("Category", "Integration")]
public sealed class PostgreSqlSchemaTests : IAsyncDisposable
{
    private readonly PostgresSchema _schema = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InitializeAsync_ConcurrentStoresOnANewSchema_CreateTheTablesOnceAtTheLatestVersion()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgreSqlArchiveStore(_schema.Options())).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.InitializeAsync(Ct)));
            await stores[0].InitializeAsync(Ct);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        Assert.Equal(1L, await _schema.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema.Name}\".archive_schema_version"));
        Assert.Equal(1, await _schema.ScalarAsync<int>($"SELECT max(version) FROM \"{_schema.Name}\".archive_schema_version"));
        Assert.Equal(3L, await _schema.ScalarAsync<long>(
            $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{_schema.Name}' AND table_name LIKE 'archive\\_%'"));
    }

    [Fact]
    public async Task InitializeAsync_SchemaMigratedByANewerVersion_ThrowsAndWritesFail()
    {
        await using (var store = new PostgreSqlArchiveStore(_schema.Options()))
        {
            await store.InitializeAsync(Ct);
        }

        await _schema.ExecuteAsync($"INSERT INTO \"{_schema.Name}\".archive_schema_version (version) VALUES (2)");
        await using var newer = new PostgreSqlArchiveStore(_schema.Options());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(Ct));
        Assert.Contains("schema version 2", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await newer.WriteAsync([ArchiveData.Write("ses_a", 1, 1)], Ct));
    }

    [Fact]
    public async Task InitializeAsync_SchemaCreatedBeforehand_AddsTheTablesToIt()
    {
        await _schema.ExecuteAsync($"CREATE SCHEMA \"{_schema.Name}\"");
        await using var store = new PostgreSqlArchiveStore(_schema.Options());

        await store.WriteAsync([ArchiveData.Write("ses_a", 1, 2)], Ct);

        Assert.Equal(2, (await store.ReadEventsAsync("ses_a", 0, 10, Ct)).Count);
    }

    [Fact]
    public async Task TablePrefix_TwoArchivesInOneSchema_AreIndependent()
    {
        var other = _schema.Options();
        other.TablePrefix = "other_";
        await using var first = new PostgreSqlArchiveStore(_schema.Options());
        await using var second = new PostgreSqlArchiveStore(other);

        await first.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], Ct);
        await second.WriteAsync([ArchiveData.Write("ses_b", 1, 1)], Ct);

        Assert.Equal(["ses_a"], (await first.ListSessionsAsync(null, 10, Ct)).Sessions.Select(s => s.Id));
        Assert.Equal(["ses_b"], (await second.ListSessionsAsync(null, 10, Ct)).Sessions.Select(s => s.Id));
        Assert.Equal(1L, await _schema.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema.Name}\".other_events"));
    }

    [Fact]
    public async Task WriteAsync_Rows_AreReadableWithPlainSql()
    {
        var nul = new SessionEvent("ses_a", 2, "content", ArchiveData.Utf8("""{"text":"b"}"""), "actor\u0000x", "p", 2, null,
            ArchiveData.Utf8("{}"), ArchiveData.Utf8("{}"), null, ArchiveData.Epoch);
        await using var store = new PostgreSqlArchiveStore(_schema.Options());
        await store.WriteAsync([new ArchiveWrite(ArchiveData.Session("ses_a", 2), [ArchiveData.Event("ses_a", 1), nul])], Ct);
        var events = $"\"{_schema.Name}\".archive_events";
        var sessions = $"\"{_schema.Name}\".archive_sessions";

        Assert.Equal("naïve 🌍 1", await _schema.ScalarAsync<string>($"SELECT convert_from(payload, 'UTF8')::jsonb->>'text' FROM {events} WHERE seq = 1"));
        Assert.Equal("user:Zoë", await _schema.ScalarAsync<string>($"SELECT actor FROM {events} WHERE seq = 1"));
        Assert.Null(await _schema.ScalarAsync<short?>($"SELECT escaped FROM {events} WHERE seq = 1"));
        Assert.Equal("\"actor\\u0000x\"", await _schema.ScalarAsync<string>($"SELECT actor FROM {events} WHERE seq = 2"));
        Assert.Equal((short)2, await _schema.ScalarAsync<short>($"SELECT escaped FROM {events} WHERE seq = 2"));
        Assert.Equal("2026-02-20 10:11:12.124690+00", await _schema.ScalarAsync<string>(
            $"SELECT to_char(inserted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' FROM {events} WHERE seq = 1"));
        Assert.Equal("user", await _schema.ScalarAsync<string>($"SELECT creator_type FROM {sessions}"));
        Assert.Equal(2L, await _schema.ScalarAsync<long>($"SELECT last_seq FROM {sessions} WHERE session_id = 'ses_a'"));
    }

    [Fact]
    public async Task WriteAsync_TwoStoresRacingWithTheSameEvents_ARetryLeavesEachEventStoredOnce()
    {
        await using var first = new PostgreSqlArchiveStore(_schema.Options());
        await using var second = new PostgreSqlArchiveStore(_schema.Options());
        await first.InitializeAsync(Ct);
        var batch = new[] { ArchiveData.Write("ses_a", 1, 400, payloadBytes: 256), ArchiveData.Write("ses_b", 1, 400, payloadBytes: 256) };

        // Both may see nothing stored and COPY straight into the table; the loser fails with a unique violation.
        var outcomes = await Task.WhenAll(new[] { first, second }.Select(s => Record.ExceptionAsync(async () => await s.WriteAsync(batch, Ct)).AsTask()));
        Assert.All(outcomes, e => Assert.True(e is null or Npgsql.PostgresException { SqlState: "23505" }, $"unexpected {e}"));
        await second.WriteAsync(batch, Ct); // the archiver's retry

        ArchiveAssert.SameEvents(batch[0].Events, await first.ReadEventsAsync("ses_a", 0, 1000, Ct));
        ArchiveAssert.SameEvents(batch[1].Events, await first.ReadEventsAsync("ses_b", 0, 1000, Ct));
    }

    public ValueTask DisposeAsync() => _schema.DisposeAsync();
}
