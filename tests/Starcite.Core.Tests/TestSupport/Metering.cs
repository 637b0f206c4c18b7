using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Starcite.Tests.TestSupport;

/// <summary>An <see cref="IMeterFactory"/> of a test's own, so collectors see only that test's engine.</summary>
public sealed class Metering : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public Metering()
    {
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
    }

    /// <summary>Pass as the collector's meter scope and to the engine.</summary>
    public IMeterFactory MeterFactory { get; }

    public Task<StarciteEngine> StartAsync(string directory, Action<StarciteOptions>? configure = null) =>
        StarciteEngine.StartAsync(Engines.Options(directory, configure), meterFactory: MeterFactory, cancellationToken: TestContext.Current.CancellationToken);

    public void Dispose() => _services.Dispose();
}
