using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Archive;

/// <summary>The server with a real archive (contract §5): archived_seq over HTTP, reclaimed history through every read
/// path, and 429 event_store_backpressure when the archive is away.</summary>
[Trait("Category", "Integration")]
public sealed class ArchiveServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Postgres_ArchivesEveryEvent_AndArchivedSeqReachesLastSeq()
    {
        var schema = ArchiveServers.NewSchema();
        await using var server = await ServerHost.StartAsync(settings: ArchiveServers.Postgres(schema));
        var id = await server.CreateWithEventsAsync(25, "ses_pg");

        await WaitForArchivedSeqAsync(server, id, 25);

        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresConnection);
        await connection.OpenAsync(Ct);
        await using var query = new NpgsqlCommand($"SELECT count(*), min(seq), max(seq) FROM {schema}.archive_events WHERE session_id = 'ses_pg'", connection);
        await using var reader = await query.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal((25L, 1L, 25L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
    }

    [Fact]
    public async Task S3_ReclaimedHistory_ReadsWhole_ThroughPagesWebSocketAndSse()
    {
        var logs = new AllLogs();
        var settings = ArchiveServers.S3(ArchiveServers.NewPrefix());
        settings["Starcite:Archive:LocalRetention"] = "00:00:00";
        settings["Starcite:Storage:CheckpointInterval"] = "00:00:01";
        await using var server = await ServerHost.StartAsync(settings: settings, configure: builder => builder.Logging.AddProvider(logs));
        var id = await server.CreateWithEventsAsync(0, "ses_s3");
        await server.AppendManyAsync(id, "p1", 1, 300, new string('x', 1000));
        await WaitForArchivedSeqAsync(server, id, 300);
        await Eventually.UntilAsync(() => logs.Entries.Any(e => e.Contains("LogReclaimed", StringComparison.Ordinal)), "local history was reclaimed");
        await server.AppendManyAsync(id, "p1", 301, 20); // a local tail after the archived part

        var pages = new List<JsonElement>();
        for (var cursor = 0L; cursor < 320;)
        {
            var page = await (await server.GetAsync($"/v1/sessions/{id}/events?cursor={cursor}&limit=70")).JsonAsync();
            var events = page.GetProperty("events").EnumerateArray().Select(e => e.Clone()).ToList();
            Assert.NotEmpty(events);
            pages.AddRange(events);
            cursor = events[^1].Seq();
        }

        pages.AssertConsecutiveFrom(1);
        Assert.Equal(320, pages.Count);
        Assert.All(pages.Take(300), e => Assert.Equal(new string('x', 1000), e.GetProperty("payload").GetProperty("text").GetString()));

        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);
        var replayed = await tail.ReceiveEventsAsync(320, Ct);
        using var sse = await SseClient.OpenAsync(server, $"/v1/sessions/{id}/tail?cursor=0");
        var streamed = await sse.ReadEventsAsync(320, Ct);
        await server.AppendManyAsync(id, "p1", 321, 1);
        replayed.AddRange(await tail.ReceiveEventsAsync(1, Ct));
        streamed.AddRange(await sse.ReadEventsAsync(1, Ct));

        replayed.AssertConsecutiveFrom(1);
        Assert.Equal(pages.Select(e => e.GetRawText()), replayed.Take(320).Select(e => e.GetRawText())); // the same bytes everywhere
        Assert.Equal(replayed.Select(e => e.GetRawText()), streamed.Select(m => m.Data));
    }

    [Fact]
    public async Task ArchiveAway_AppendsUntilTheLimit_Then429WithRetryAfter_ThenCatchesUpWithNothingLost()
    {
        await using var proxy = TcpFaultProxy.Start("127.0.0.1", ArchiveServers.PostgresPort);
        var settings = ArchiveServers.Postgres(ArchiveServers.NewSchema(), ArchiveServers.PostgresVia(proxy.Port));
        settings["Starcite:Archive:EventStoreMaxSize"] = "32KB";
        settings["Starcite:Archive:MaxRetryDelay"] = "00:00:00.200";
        await using var server = await ServerHost.StartAsync(settings: settings);
        var id = await server.CreateWithEventsAsync(1, "ses_away");
        await WaitForArchivedSeqAsync(server, id, 1);
        proxy.Cut();

        var payload = new string('y', 1000);
        var accepted = 1L;
        HttpResponseMessage refused;
        while (true)
        {
            var response = await server.PostJsonAsync($"/v1/sessions/{id}/append", Appends.Body("p1", accepted + 1, payload));
            if (response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.OK)
            {
                refused = response;
                break;
            }

            accepted++;
            Assert.True(accepted < 1000, "appends were never refused although the archive was away");
        }

        Assert.True(accepted > 20, $"only {accepted} appends were accepted below a 32 KB limit");
        await refused.AssertErrorAsync(429, "event_store_backpressure");
        Assert.Equal("1", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(accepted, (await SessionAsync(server, id)).GetProperty("last_seq").GetInt64()); // no seq consumed

        proxy.Restore();
        await WaitForArchivedSeqAsync(server, id, accepted);
        var next = await server.PostJsonAsync($"/v1/sessions/{id}/append", Appends.Body("p1", accepted + 1, payload));
        Assert.Equal(accepted + 1, (await next.JsonAsync()).GetProperty("seq").GetInt64());
        var history = await (await server.GetAsync($"/v1/sessions/{id}/events?cursor=0&limit=1000")).JsonAsync();
        history.GetProperty("events").EnumerateArray().ToList().AssertConsecutiveFrom(1);
        Assert.Equal(accepted + 1, history.GetProperty("events").GetArrayLength());
    }

    private static async Task<JsonElement> SessionAsync(ServerHost server, string id) =>
        await (await server.GetAsync($"/v1/sessions/{id}")).JsonAsync();

    private static async Task WaitForArchivedSeqAsync(ServerHost server, string id, long seq)
    {
        var observed = -1L;
        await Eventually.UntilAsync(async () =>
        {
            var session = await SessionAsync(server, id);
            var archived = session.GetProperty("archived_seq").GetInt64();
            Assert.True(archived >= observed, $"archived_seq went back from {observed} to {archived}");
            Assert.True(archived <= session.GetProperty("last_seq").GetInt64(), "archived_seq passed last_seq");
            observed = archived;
            return archived == seq;
        }, $"archived_seq reaches {seq}");
    }
}
