using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>A real HTTP server on an OS-assigned loopback port that serves a JWKS at <c>/jwks.json</c>; keys can be
/// rotated in and out, the server can fail on purpose, and it counts the fetches.</summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _keys = new();
    private readonly SemaphoreSlim _fetched = new(0); // released once per fetch, so a waiter wakes on each
    private int _fetches;

    private JwksServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>When set, every fetch gets 500.</summary>
    public bool Failing { get; set; }

    public static async Task<JwksServer> StartAsync(params TestSigningKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new JwksServer(app);
        foreach (var key in keys)
        {
            server.Add(key);
        }

        app.MapGet("/jwks.json", () =>
        {
            Interlocked.Increment(ref server._fetches);
            server._fetched.Release();
            return server.Failing
                ? Results.StatusCode(StatusCodes.Status500InternalServerError)
                : Results.Text(JsonSerializer.Serialize(new { keys = server._keys.Values.ToArray() }), "application/json");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.Url = new Uri(new Uri(app.Urls.Single()), "/jwks.json");
        return server;
    }

    public void Add(TestSigningKey key) => _keys[key.Kid] = key.Jwk();

    public void Remove(TestSigningKey key) => _keys.TryRemove(key.Kid, out _);

    /// <summary>Waits until the server was fetched at least <paramref name="count"/> times.</summary>
    public async Task WaitForFetchesAsync(int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Fetches < count)
        {
            await _fetched.WaitAsync(deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _fetched.Dispose();
    }
}
