using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Starcite.Server.Hardening;

/// <summary>Limits and origins: header size and per-client connections in Kestrel, CORS for the REST API, the WebSocket
/// origin check, and the effective options logged at start with secrets redacted.</summary>
internal static class HardeningServices
{
    public static void AddStarciteHardening(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsRules>();
        services.AddSingleton<OriginPolicy>();
        services.AddHostedService<EffectiveOptionsLog>();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<OriginPolicy>((cors, origins) => cors.AddDefaultPolicy(policy =>
        {
            if (origins.AllowsAny)
            {
                policy.AllowAnyOrigin(); // tokens travel in a header, never in cookies, so "*" needs no credentials mode
            }
            else
            {
                policy.SetIsOriginAllowed(origins.IsListed);
            }

            policy.WithMethods("GET", "POST")
                .WithHeaders("Authorization", "Content-Type", "Accept", "Last-Event-ID")
                .WithExposedHeaders("Retry-After", "WWW-Authenticate")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection("Starcite:Server").Get<ServerOptions>() ?? new ServerOptions();
            kestrel.AddServerHeader = false; // no need to tell clients what runs here
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersBytes;
            if (options.MaxConnectionsPerClient > 0)
            {
                var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Starcite.Server.Hardening");
                var limit = new ClientConnectionLimit(options.MaxConnectionsPerClient, logger);
                kestrel.ConfigureEndpointDefaults(listen => listen.Use(limit.Wrap));
            }
        });
    }

    /// <summary>The request-time half: the WebSocket origin check (after UseWebSockets, which recognises upgrades), then CORS.</summary>
    public static void UseStarciteHardening(this WebApplication app)
    {
        app.UseWebSocketOriginCheck();
        if (app.Services.GetRequiredService<OriginPolicy>().AllowsCrossOrigin)
        {
            app.UseCors();
        }
    }
}
