using System.Net;

namespace Starcite.Benchmarks.Peers.Starcite;

/// <summary>Starcite.Server in its own process, driven over HTTP/1.1 (and WebSocket for the tail) like any client would.</summary>
public sealed class StarciteHttpSystem : IPeerSystem
{
    private readonly StarciteServerProcess _server;

    private StarciteHttpSystem(StarciteServerProcess server) => _server = server;

    public static async Task<StarciteHttpSystem> StartAsync(string serverDll, CancellationToken cancellationToken = default) =>
        new(await StarciteServerProcess.StartAsync(serverDll, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false));

    public string Name => "Starcite (HTTP)";

    public Durability Durability => Durability.FsyncBeforeAck;

    public Uri Address => _server.Address;

    public Task<IPeerClient> ConnectAsync(CancellationToken cancellationToken) => Task.FromResult<IPeerClient>(new StarciteHttpClient(_server.Address));

    public Task<string> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(
        "Starcite.Server (Release build, `dotnet Starcite.Server.dll`, Kestrel HTTP/1.1) in its own process, default options " +
        "(`Storage.CommitMode Latency`: every append is fsynced, O_SYNC writes, before the 201)");

    public ResourceUsage? MeasureResources() => new ResourceUsage(
        Support.ServerResources.Pss([_server.ProcessId]), Support.ServerResources.DiskBytes(_server.DataDirectory));

    public IReadOnlyList<int> ServerProcessIds() => [_server.ProcessId];

    public ValueTask DisposeAsync() => _server.DisposeAsync();

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
