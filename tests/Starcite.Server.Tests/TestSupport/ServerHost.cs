using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>A real Kestrel server on an OS-assigned loopback port, on a data directory of its own.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private ServerHost(WebApplication app, string dataDirectory, HttpClient client, CapturedLogs logs)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Client = client;
        Logs = logs;
    }

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    /// <summary>Warnings and errors the server logged.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>The server's base address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>The server's own services (the engine, for example).</summary>
    public IServiceProvider Services => _app.Services;

    /// <param name="dataDirectory">The data directory; a fresh one by default.</param>
    /// <param name="settings">Configuration on top of the defaults.</param>
    /// <param name="configure">Runs last on the builder: services for the test (a keyed clock, for example).</param>
    public static async Task<ServerHost> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "starcite-server-tests", Guid.NewGuid().ToString("N"));
        var logs = new CapturedLogs();
        var app = StarciteServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Starcite:DataDirectory"] = dataDirectory });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            configure?.Invoke(builder);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        return new ServerHost(app, dataDirectory, client, logs);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path, TestContext.Current.CancellationToken);

    /// <summary>Stops the server and keeps its data directory (for restart tests). Safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Client.Dispose();
        await _app.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

public static class Responses
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken))!;

    /// <summary>Asserts the status and the contract's error body.</summary>
    public static async Task<string> AssertErrorAsync(this HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal(code, body.GetProperty("error").GetString());
        var message = body.GetProperty("message").GetString();
        Assert.False(string.IsNullOrEmpty(message));
        return message!;
    }
}
