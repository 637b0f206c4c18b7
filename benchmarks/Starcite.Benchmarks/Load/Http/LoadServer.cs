using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Starcite.Cluster.Tests.TestSupport;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// The server under load: the one at <c>--url</c>, or Release Starcite.Server child processes on fresh data
/// directories: one, or with <c>--cluster N</c> an N-member Raft cluster on loopback (the load tool and every server
/// then share this machine's cores, as the targets assume). With a <see cref="LoadAuth"/> the servers run in jwt mode
/// and every request carries its service token.
/// </summary>
internal sealed class LoadServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly ServerProcess?[] _nodes;
    private readonly string? _dataDirectory;
    private readonly int[] _httpPorts;
    private readonly string _members;
    private readonly LoadAuth? _auth;

    private LoadServer(Uri[] nodes, string? dataDirectory, int[] httpPorts, string members, LoadAuth? auth = null)
    {
        _auth = auth;
        Token = auth?.ServiceToken();
        Nodes = nodes;
        _nodes = new ServerProcess?[nodes.Length];
        _dataDirectory = dataDirectory;
        _httpPorts = httpPorts;
        _members = members;
        BaseAddress = nodes[0];
        Client = CreateClient(nodes[0], 1024, Token);
    }

    /// <summary>The service token every request carries (jwt mode), or null.</summary>
    public string? Token { get; }

    /// <summary>Where writes go: the only server, or the cluster's leader.</summary>
    public Uri BaseAddress { get; private set; }

    /// <summary>Every member's API address.</summary>
    public IReadOnlyList<Uri> Nodes { get; }

    public bool IsCluster => _members.Length > 0;

    /// <summary>A client for set-up requests.</summary>
    public HttpClient Client { get; private set; }

    /// <param name="options">The load options.</param>
    /// <param name="auth">When given, the servers run in jwt mode against its JWKS.</param>
    public static async Task<LoadServer> StartAsync(LoadOptions options, LoadAuth? auth = null)
    {
        if (options.Url is { } url)
        {
            return new LoadServer([url], null, [], "", auth);
        }

        var size = Math.Max(1, options.Cluster);
        var ports = FreePorts.Take(2 * size);
        var members = options.Cluster > 0 ? string.Join(',', ports[size..].Select(port => $"127.0.0.1:{port}")) : "";
        var server = new LoadServer([.. ports[..size].Select(port => new Uri($"http://127.0.0.1:{port}"))], options.DataDirectory(auth is null ? "http" : "http-auth"), ports[..size], members, auth);
        await Task.WhenAll(Enumerable.Range(0, size).Select(server.StartNodeAsync));
        await server.FindLeaderAsync();
        Console.WriteLine($"  server{(auth is null ? "" : " (auth jwt)")}: {size} process(es) on {string.Join(", ", server.Nodes)}; writes go to {server.BaseAddress}");
        return server;
    }

    public async Task StartNodeAsync(int i)
    {
        var settings = _auth?.ServerSettings() ?? new Dictionary<string, string>();
        if (IsCluster)
        {
            settings["STARCITE_CLUSTER_MEMBERS"] = _members;
            settings["STARCITE_CLUSTER_SELF"] = _members.Split(',')[i];
        }

        _nodes[i] = await ServerProcess.StartAsync(ServerProcess.DllPath(typeof(LoadServer).Assembly), Path.Combine(_dataDirectory!, $"node{i}"), settings,
            url: $"http://127.0.0.1:{_httpPorts[i]}", requireReady: !IsCluster);
    }

    /// <summary>SIGKILLs member <paramref name="i"/>.</summary>
    public async Task KillNodeAsync(int i)
    {
        if (_nodes[i] is { } node)
        {
            _nodes[i] = null;
            await node.KillAsync();
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits until every running member is ready under one leader; points <see cref="BaseAddress"/> at it and returns its index.</summary>
    public async Task<int> FindLeaderAsync()
    {
        using var deadline = new CancellationTokenSource(ReadyTimeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            var running = Enumerable.Range(0, Nodes.Count).Where(i => _nodes[i] is not null).ToList();
            var roles = await Task.WhenAll(running.Select(i => RoleAsync(probe, Nodes[i])));
            if (roles.All(role => role is not null) && (!IsCluster || roles.Count(role => role == "leader") == 1))
            {
                var leader = IsCluster ? running[Array.IndexOf(roles, "leader")] : 0;
                if (BaseAddress != Nodes[leader])
                {
                    BaseAddress = Nodes[leader];
                    Client.Dispose();
                    Client = CreateClient(BaseAddress, 1024, Token);
                }

                return leader;
            }

            await timer.WaitForNextTickAsync(deadline.Token);
        }
    }

    /// <summary>An HTTP/1.1 client with up to <paramref name="connections"/> kept-alive connections, sending
    /// <paramref name="token"/> as a bearer token when given.</summary>
    public static HttpClient CreateClient(Uri baseAddress, int connections, string? token = null)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
        })
        { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task CreateSessionAsync(string id)
    {
        // With auth a service must name the session's creator; without auth it is simply stored.
        using var response = await Client.PostAsync("/v1/sessions", Json($$$"""{"id":"{{{id}}}","creator_principal":{"tenant_id":"load","id":"u1","type":"user"}}"""));
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"create {id}: {(int)response.StatusCode}");
        }
    }

    public static ByteArrayContent Json(string json) => Json(Encoding.UTF8.GetBytes(json));

    public static ByteArrayContent Json(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        foreach (var node in _nodes.OfType<ServerProcess>())
        {
            await node.TerminateAsync();
            await node.DisposeAsync();
        }

        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>"leader", "follower" or "single" when the member is ready; null when it is not (or does not answer).</summary>
    private static async Task<string?> RoleAsync(HttpClient probe, Uri node)
    {
        try
        {
            using var response = await probe.GetAsync(new Uri(node, "/health/ready"));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.TryGetProperty("cluster", out var cluster) ? cluster.GetProperty("role").GetString() : "single";
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
