using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Starcite.Hosting.Diagnostics;

namespace Starcite.Hosting;

/// <summary>
/// Starts the engine in <see cref="StartingAsync"/>, before any hosted service's <c>StartAsync</c> (so recovery is
/// complete before a <c>BackgroundService</c> runs or the host reports started), and disposes it in
/// <see cref="StoppedAsync"/>, after every other hosted service has stopped using it.
/// </summary>
internal sealed class StarciteLifecycleService(StarciteEngine engine, EngineState state, ILogger<StarciteLifecycleService> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        LogEffectiveOptions(engine.Options);
        state.Set(EnginePhase.Starting);
        try
        {
            await engine.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            state.Set(EnginePhase.StartFailed);
            HostingLog.EngineStartFailed(logger, ex);
            throw;
        }

        state.Set(EnginePhase.Started);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // The engine's dispose waits for in-flight calls and checkpoints; that drain is what makes a restart fast.
        state.Set(EnginePhase.Stopping);
        await engine.DisposeAsync().ConfigureAwait(false);
        state.Set(EnginePhase.Stopped);
    }

    private void LogEffectiveOptions(StarciteOptions options)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        // Once per start; nothing in the options is secret yet, so nothing is redacted.
        var storage = options.Storage;
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        HostingLog.StartingEngine(logger, dataDirectory, options.MaxEventBytes, storage.PageSize,
            storage.MemorySize, storage.SegmentSize, storage.IndexMemorySize, storage.IndexBuckets, storage.CommitMode,
            storage.CheckpointInterval);
    }
}
