using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Cluster.Tests.TestSupport;

/// <summary>
/// Three real Starcite.Server processes on loopback forming a cluster (HTTP and Raft ports allocated by the OS), each
/// on its own data directory; members can be SIGKILLed and restarted on the same ports and directory.
/// </summary>
public sealed class ServerCluster : IAsyncDisposable
{
    private static readonly string ServerDll = ServerProcess.DllPath(typeof(ServerCluster).Assembly);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "starcite-server-cluster-tests", Guid.NewGuid().ToString("N"));
    private readonly int[] _httpPorts;
    private readonly string _members;
    private readonly ServerProcess?[] _nodes;

    private ServerCluster(int size)
    {
        var ports = FreePorts.Take(2 * size);
        _httpPorts = ports[..size];
        _members = string.Join(',', ports[size..].Select(port => $"127.0.0.1:{port}"));
        _nodes = new ServerProcess?[size];
        Clients = [.. _httpPorts.Select(port => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(15) })];
    }

    public int Size => _nodes.Length;

    /// <summary>One client per member, valid across its restarts.</summary>
    public IReadOnlyList<HttpClient> Clients { get; }

    public static async Task<ServerCluster> StartAsync(int size = 3)
    {
        var cluster = new ServerCluster(size);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, size).Select(cluster.StartNodeAsync));
            await cluster.WaitForLeaderAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task StartNodeAsync(int i)
    {
        var self = _members.Split(',')[i];
        _nodes[i] = await ServerProcess.StartAsync(ServerDll, Path.Combine(_root, $"node{i}"), new Dictionary<string, string>
        {
            ["STARCITE_CLUSTER_MEMBERS"] = _members,
            ["STARCITE_CLUSTER_SELF"] = self,
        }, url: $"http://127.0.0.1:{_httpPorts[i]}", requireReady: false);
    }

    /// <summary>SIGKILL: the member dies at once, mid-write if it was writing.</summary>
    public async Task KillNodeAsync(int i)
    {
        if (_nodes[i] is { } node)
        {
            _nodes[i] = null;
            await node.KillAsync();
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits until every running member is ready and names the same leader; returns the leader's index.</summary>
    public Task<int> WaitForLeaderAsync() => Eventually.ValueAsync(async () =>
    {
        var running = Enumerable.Range(0, Size).Where(i => _nodes[i] is not null).ToList();
        var views = (await Task.WhenAll(running.Select(async i => (Index: i, View: await ReadyViewAsync(i))))).ToList();
        if (views.Any(v => v.View is null) || views.Select(v => v.View!.Value.Leader).Distinct().Count() != 1)
        {
            return (int?)null;
        }

        var leader = views.Where(v => v.View!.Value.IsLeader).Select(v => v.Index).ToList();
        return leader.Count == 1 ? leader[0] : null;
    }, "every running member to be ready under one leader");

    public static async Task<(int Status, JsonElement Body)> PostAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    public static async Task<List<JsonElement>> HistoryAsync(HttpClient client, string sessionId)
    {
        var events = new List<JsonElement>();
        for (long cursor = 0; ;)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/sessions/{sessionId}/events?cursor={cursor}&limit=1000", TestContext.Current.CancellationToken);
            var batch = page.GetProperty("events").EnumerateArray().ToList();
            events.AddRange(batch);
            if (batch.Count == 0)
            {
                return events;
            }

            cursor = page.GetProperty("next_cursor").GetInt64();
        }
    }

    private async Task<(string Leader, bool IsLeader)?> ReadyViewAsync(int i)
    {
        try
        {
            using var response = await Clients[i].GetAsync("/health/ready", TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var cluster = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("cluster");
            return (cluster.GetProperty("leader").GetString()!, cluster.GetProperty("role").GetString() == "leader");
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            await KillNodeAsync(i);
        }

        foreach (var client in Clients)
        {
            client.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
