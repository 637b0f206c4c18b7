using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Starcite.Server.Tests;

/// <summary>A real Kestrel server on an OS-assigned loopback port, on a data directory of its own.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerHost(WebApplication app, string dataDirectory, HttpClient client)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Client = client;
    }

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    public static async Task<ServerHost> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? settings = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "starcite-server-tests", Guid.NewGuid().ToString("N"));
        var app = StarciteServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Starcite:DataDirectory"] = dataDirectory });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        return new ServerHost(app, dataDirectory, client);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path, TestContext.Current.CancellationToken);

    /// <summary>Stops the server and keeps its data directory (for restart tests).</summary>
    public async Task StopAsync()
    {
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
