using Microsoft.Extensions.Options;

namespace Starcite.Server.Tailing;

/// <summary>What every tail connection needs from the host: the options, the shutdown signal, a logger and the clock.</summary>
internal sealed class TailSettings(IOptions<ServerOptions> options, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory, TimeProvider? time = null)
{
    public ServerOptions Options { get; } = options.Value;

    /// <summary>Fires when the host starts shutting down: tails send what they fetched and close (1001 on WebSockets).</summary>
    public CancellationToken Stopping { get; } = lifetime.ApplicationStopping;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Starcite.Server.Tailing");

    public TimeProvider Time { get; } = time ?? TimeProvider.System;
}
