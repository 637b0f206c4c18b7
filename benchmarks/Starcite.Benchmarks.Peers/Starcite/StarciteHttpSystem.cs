using System.Net;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Benchmarks.Peers.Starcite;

/// <summary>
/// Starcite.Server (the Release build next to this one) in its own process on an OS-assigned loopback port and a
/// temporary data directory, driven over HTTP/1.1 (and a WebSocket for the tail) like any client would.
/// </summary>
public sealed class StarciteHttpSystem : IPeerSystem
{
    private readonly ServerProcess _server;

    private StarciteHttpSystem(ServerProcess server) => _server = server;

    /// <summary>Starts the server and returns once <c>/health/ready</c> answers 200.</summary>
    public static async Task<StarciteHttpSystem> StartAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "starcite-peers", $"server-{Guid.NewGuid():N}");
        // For experiments with the server's runtime settings: PEER_SERVER_ENV="NAME=value;NAME=value".
        var settings = (Environment.GetEnvironmentVariable("PEER_SERVER_ENV") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(pair => pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair => pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var server = await ServerProcess.StartAsync(ServerProcess.DllPath(typeof(StarciteHttpSystem).Assembly), dataDirectory, settings).ConfigureAwait(false);
        return new StarciteHttpSystem(server);
    }

    public string Name => "Starcite (HTTP)";

    public Durability Durability => Durability.FsyncBeforeAck;

    public Uri Address => _server.BaseAddress;

    public Task<IPeerClient> ConnectAsync(CancellationToken cancellationToken) => Task.FromResult<IPeerClient>(new StarciteHttpClient(_server.BaseAddress));

    public Task<string> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(
        "Starcite.Server (Release build, `dotnet Starcite.Server.dll`, Kestrel HTTP/1.1) in its own process, default options " +
        "(`Storage.CommitMode Latency`: every append is fsynced, O_SYNC writes, before the 201)");

    public ResourceUsage? MeasureResources() => new ResourceUsage(
        Support.ServerResources.Pss([_server.ProcessId]), Support.ServerResources.DiskBytes(_server.DataDirectory));

    public IReadOnlyList<int> ServerProcessIds() => [_server.ProcessId];

    /// <summary>SIGTERM (the server checkpoints and closes), then deletes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            await _server.TerminateAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        if (Directory.Exists(_server.DataDirectory))
        {
            Directory.Delete(_server.DataDirectory, recursive: true);
        }
    }

    /// <summary>One pooled handler for all writers: as many keep-alive connections as there are requests in flight.</summary>
    internal static HttpClient CreateHttpClient(Uri address) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    })
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version11,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
