namespace Starcite.Server;

/// <summary>
/// Recovers the engine before the server takes traffic and closes it after everything else stopped. (Until the hosting
/// extension lands, the server wires the engine itself.)
/// </summary>
internal sealed class EngineLifetime(StarciteEngine engine) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => engine.StartAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await engine.DisposeAsync();
}
