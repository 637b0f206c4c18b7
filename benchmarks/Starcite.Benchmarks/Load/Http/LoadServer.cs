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

    private LoadServer(Uri baseAddress, ServerProcess? process, string? dataDirectory, string? token = null)
    {
        BaseAddress = baseAddress;
        _process = process;
        _dataDirectory = dataDirectory;
        Token = token;
        Client = CreateClient(baseAddress, 1024, token);
    }

    /// <summary>The service token every request carries (jwt mode), or null.</summary>
    public string? Token { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client for set-up requests.</summary>
    public HttpClient Client { get; }

    /// <param name="options">The load options (<c>--url</c> points at a running server).</param>
    /// <param name="auth">When given, the server runs in jwt mode against its JWKS and requests carry its service token.</param>
    public static async Task<LoadServer> StartAsync(LoadOptions options, LoadAuth? auth = null)
    {
        if (options.Url is { } url)
        {
            return new LoadServer(url, null, null, auth?.ServiceToken());
        }

        var directory = options.DataDirectory(auth is null ? "http" : "http-auth");
        var process = await ServerProcess.StartAsync(ServerProcess.DllPath(typeof(LoadServer).Assembly), directory, auth?.ServerSettings());
        Console.WriteLine($"  server{(auth is null ? "" : " (auth jwt)")}: pid {process.ProcessId} on {process.BaseAddress}, data in {directory}");
        return new LoadServer(process.BaseAddress, process, directory, auth?.ServiceToken());
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
        if (_process is not null)
        {
            await _process.TerminateAsync();
            await _process.DisposeAsync();
            Directory.Delete(_dataDirectory!, recursive: true);
        }
    }
}
