using Microsoft.Extensions.Configuration.Memory;
using OpenTelemetry.Metrics;
using Starcite.Server.Archive;
using Starcite.Server.Auth;
using Starcite.Server.Cluster;
using Starcite.Server.Endpoints;
using Starcite.Server.Errors;
using Starcite.Server.Hardening;
using Starcite.Server.Tailing;

namespace Starcite.Server;

/// <summary>Builds the reference server: configuration, the engine, and the HTTP surface.</summary>
public static class StarciteServer
{
    /// <summary>The default address: <c>http://localhost:4000</c>, as the original Starcite.</summary>
    public const string DefaultUrl = "http://localhost:4000";

    /// <summary>
    /// Builds the application. Configuration: <c>appsettings.json</c> section <c>Starcite</c>, environment variables
    /// (<c>Starcite__DataDirectory</c>, and the original Starcite's <c>STARCITE_DATA_DIR</c> and <c>PORT</c>), and the
    /// command line; standard <c>--urls</c> / <c>ASPNETCORE_URLS</c> win over <c>PORT</c>. Files are read once, at start.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // No reloading of appsettings files: the watcher behind it covers the whole content root, which holds the default
        // ./data, so every commit of the log woke it (an inotify read, an lstat and a geteuid per write, seen in strace),
        // and Starcite reads its options once, at start.
        var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        AddLoggingDefaults(builder.Configuration);
        ApplyOriginalVariables(builder);
        configure?.Invoke(builder);

        builder.Services.AddOptions<ServerOptions>().BindConfiguration("Starcite:Server").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TailSettings>();
        builder.Services.AddSingleton<LeaderForwarder>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(StarciteEngine.MeterName).AddPrometheusExporter());
        var starcite = builder.AddStarcite(); // binds and validates the Starcite section; recovers before Kestrel takes traffic
        builder.AddStarciteArchive(starcite);
        builder.AddStarciteAuth();
        builder.AddStarciteHardening();
        // The contract's limit is enforced while reading (413 payload_too_large). Kestrel's own limit sits 1 MiB higher
        // so it can drain a modestly oversized body after that answer and the client reads it instead of a reset.
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = (context.Configuration.GetSection("Starcite:Server").Get<ServerOptions>()?.MaxBodyBytes
                ?? ServerOptions.DefaultMaxBodyBytes) + (1 << 20));

        // A connection's reads and writes continue on the thread that completed the socket operation instead of hopping
        // through Kestrel's I/O queues (the server process also inlines the completions themselves: see
        // InlineSocketCompletions). Every handler here is asynchronous, so nothing blocks those threads; on 2 cores it is
        // +20-30 % appends/s (docs/benchmarks.md).
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        var app = builder.Build();
        app.UseContractErrors();
        // Only a request asking to upgrade (HTTP/1.1's Upgrade header, HTTP/2's extended CONNECT) can become a WebSocket;
        // for any other the middleware would still allocate its handshake feature, on every append.
        app.UseWhen(context => context.Request.Headers.Upgrade.Count > 0 || HttpMethods.IsConnect(context.Request.Method), upgrade => upgrade.UseWebSockets());
        app.UseStarciteHardening();
        app.MapHealthEndpoints();
        // The exporter maps the path for every method; a scrape is a GET (or HEAD), anything else is 405.
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        app.MapSessionEndpoints();
        app.MapAuthEndpoints();
        return app;
    }

    /// <summary>
    /// The server's log levels, in code rather than in appsettings.json so they hold wherever the server is started
    /// (its content root is the working directory); as the lowest-precedence source, any other source overrides them.
    /// </summary>
    private static void AddLoggingDefaults(ConfigurationManager configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });

    private static void ApplyOriginalVariables(WebApplicationBuilder builder)
    {
        var overrides = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("STARCITE_DATA_DIR") is { Length: > 0 } dataDir)
        {
            overrides["Starcite:DataDirectory"] = dataDir;
        }

        AuthVariables.AddTo(overrides, Environment.GetEnvironmentVariable);
        ArchiveVariables.AddTo(overrides, Environment.GetEnvironmentVariable);

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            overrides["urls"] = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } port ? $"http://localhost:{port}" : DefaultUrl;
        }

        ClusterSettings.Apply(builder.Configuration, overrides);
        builder.Configuration.AddInMemoryCollection(overrides);
    }
}
