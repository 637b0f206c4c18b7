using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

/// <summary>The real server process: a graceful stop (SIGTERM) and a crash (SIGKILL) on the same data directory.</summary>
[Trait("Category", "Integration")]
public sealed class ServerProcessTests : IDisposable
{
    private static readonly string ServerDll = ServerProcess.DllPath(typeof(ServerProcessTests).Assembly);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "starcite-server-process-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_ThenRestart_KeepsEverySessionAndEventAndClosesTailsWith1001()
    {
        await using (var server = await ServerProcess.StartAsync(ServerDll, _dataDirectory))
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            for (var s = 1; s <= 3; s++)
            {
                await PostAsync(http, "/v1/sessions", $$"""{"id":"ses_{{s}}","title":"t{{s}}"}""");
                for (var n = 1; n <= 20; n++)
                {
                    await PostAsync(http, $"/v1/sessions/ses_{s}/append", Appends.Body("p", n));
                }
            }

            using var tail = new ClientWebSocket();
            await tail.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/v1/sessions/ses_1/tail?cursor=20"), Ct);
            var closed = tail.ReceiveAsync(new byte[1024], Ct);

            Assert.Equal(0, await server.TerminateAsync());
            Assert.Equal(WebSocketMessageType.Close, (await closed).MessageType);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, tail.CloseStatus);
        }

        await using var restarted = await ServerProcess.StartAsync(ServerDll, _dataDirectory);
        using var again = new HttpClient { BaseAddress = restarted.BaseAddress };
        var list = await GetJsonAsync(again, "/v1/sessions");
        Assert.Equal(["ses_1", "ses_2", "ses_3"], list.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var events = await GetJsonAsync(again, "/v1/sessions/ses_2/events?limit=1000");
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), events.GetProperty("events").EnumerateArray().Select(e => e.Seq()));
        var retry = await PostAsync(again, "/v1/sessions/ses_2/append", Appends.Body("p", 20));
        Assert.True(retry.GetProperty("deduped").GetBoolean());
        Assert.Equal(21, (await PostAsync(again, "/v1/sessions/ses_2/append", Appends.Body("p", 21))).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Sigkill_UnderConcurrentLoad_KeepsEveryAcknowledgedAppend()
    {
        const int sessions = 8, writers = 16;
        var acked = new ConcurrentDictionary<(string Session, string Producer, long ProducerSeq), long>();
        var lastSent = new long[writers];
        await using (var server = await ServerProcess.StartAsync(ServerDll, _dataDirectory))
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            for (var s = 0; s < sessions; s++)
            {
                await PostAsync(http, "/v1/sessions", $$"""{"id":"ses_{{s}}"}""");
            }

            // Each writer owns one producer in one session and appends as fast as it can until the process dies.
            var killAt = Random.Shared.Next(300, 1500);
            var enoughAcks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var session = $"ses_{w % sessions}";
                try
                {
                    for (long n = 1; !stop.IsCancellationRequested; n++)
                    {
                        lastSent[w] = n;
                        var reply = await PostAsync(http, $"/v1/sessions/{session}/append", Appends.Body($"w{w}", n));
                        acked[(session, $"w{w}", n)] = reply.GetProperty("seq").GetInt64();
                        if (acked.Count >= killAt)
                        {
                            enoughAcks.TrySetResult();
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // the process died under this request: it may or may not have been logged
                }
            })).ToArray();

            await enoughAcks.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        await using var restarted = await ServerProcess.StartAsync(ServerDll, _dataDirectory);
        using var again = new HttpClient { BaseAddress = restarted.BaseAddress };
        var stored = new Dictionary<(string, string, long), long>();
        for (var s = 0; s < sessions; s++)
        {
            var page = await GetJsonAsync(again, $"/v1/sessions/ses_{s}/events?limit=1000");
            var events = page.GetProperty("events").EnumerateArray().ToList();
            events.AssertConsecutiveFrom(1); // gap-free after the crash
            Assert.Equal(events.Count, page.GetProperty("last_seq").GetInt64());
            foreach (var e in events)
            {
                stored[($"ses_{s}", e.GetProperty("producer_id").GetString()!, e.GetProperty("producer_seq").GetInt64())] = e.Seq();
            }
        }

        Assert.True(acked.Count >= 300);
        Assert.All(acked, ack => Assert.Equal(ack.Value, stored.GetValueOrDefault(ack.Key))); // every ack, at its seq

        // The request each writer had in flight at the kill is safe to retry: deduped if it was logged, else appended.
        for (var w = 0; w < writers; w++)
        {
            var key = ($"ses_{w % sessions}", $"w{w}", lastSent[w]);
            var retry = await PostAsync(again, $"/v1/sessions/{key.Item1}/append", Appends.Body(key.Item2, key.Item3));
            Assert.Equal(stored.ContainsKey(key), retry.GetProperty("deduped").GetBoolean());
        }
    }

    [Fact]
    public async Task StartedFromADirectoryWithoutAppsettings_LogsItsOwnLinesButNotEveryRequest()
    {
        var elsewhere = Path.Combine(_dataDirectory, "cwd");
        Directory.CreateDirectory(elsewhere);
        await using var server = await ServerProcess.StartAsync(ServerDll, Path.Combine(_dataDirectory, "data"), workingDirectory: elsewhere);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        await PostAsync(http, "/v1/sessions", """{"id":"ses_1"}""");
        await PostAsync(http, "/v1/sessions/ses_1/append", Appends.Body("p", 1));
        Assert.Equal(0, await server.TerminateAsync());

        Assert.Contains("Starcite engine started", server.Output, StringComparison.Ordinal);
        Assert.Contains($"Content root path: {elsewhere}", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.Routing", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.Hosting.Diagnostics", server.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.JsonAsync();
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, Ct);
        response.EnsureSuccessStatusCode();
        return await response.JsonAsync();
    }
}
