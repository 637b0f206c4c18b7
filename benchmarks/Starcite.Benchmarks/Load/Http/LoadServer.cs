using System.Net;
using System.Text;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// The server under load: the one at <c>--url</c>, or a Release Starcite.Server started as a child process on a
/// fresh data directory (the load tool and the server then share this machine's cores, as the targets assume).
/// </summary>
internal sealed class LoadServer : IAsyncDisposable
{
    private readonly ServerProcess? _process;
    private readonly string? _dataDirectory;

    private LoadServer(Uri baseAddress, ServerProcess? process, string? dataDirectory)
    {
        BaseAddress = baseAddress;
        _process = process;
        _dataDirectory = dataDirectory;
        Client = CreateClient(baseAddress, 1024);
    }

    public Uri BaseAddress { get; }

    /// <summary>A client for set-up requests.</summary>
    public HttpClient Client { get; }

    public static async Task<LoadServer> StartAsync(LoadOptions options)
    {
        if (options.Url is { } url)
        {
            return new LoadServer(url, null, null);
        }

        var directory = options.DataDirectory("http");
        var process = await ServerProcess.StartAsync(ServerProcess.DllPath(typeof(LoadServer).Assembly), directory);
        Console.WriteLine($"  server: pid {process.ProcessId} on {process.BaseAddress}, data in {directory}");
        return new LoadServer(process.BaseAddress, process, directory);
    }

    /// <summary>An HTTP/1.1 client with up to <paramref name="connections"/> kept-alive connections.</summary>
    public static HttpClient CreateClient(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        UseProxy = false,
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task CreateSessionAsync(string id)
    {
        using var response = await Client.PostAsync("/v1/sessions", Json($$"""{"id":"{{id}}"}"""));
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
        if (_process is not null)
        {
            await _process.TerminateAsync();
            await _process.DisposeAsync();
            Directory.Delete(_dataDirectory!, recursive: true);
        }
    }
}
