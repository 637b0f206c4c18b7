using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Starcite.Hosting.Tests.TestSupport;
using Starcite.Storage;

namespace Starcite.Hosting.Tests;

[Trait("Category", "Integration")]
public sealed class AddStarciteTests
{
    [Fact]
    public async Task AddStarcite_WithConfiguration_BindsTheStarciteSection()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path,
        [
            new("Starcite:Storage:CheckpointInterval", "00:00:05"),
            new("Starcite:Storage:CommitMode", "Throughput"),
            new("Starcite:Tail:ReadBatchSize", "7"),
        ]);
        builder.AddStarcite();
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        var engine = host.Services.GetRequiredService<StarciteEngine>();

        Assert.True(engine.IsReady);
        Assert.Equal(dir.Path, engine.Options.DataDirectory);
        Assert.Equal(TimeSpan.FromSeconds(5), engine.Options.Storage.CheckpointInterval);
        Assert.Equal(CommitMode.Throughput, engine.Options.Storage.CommitMode);
        Assert.Equal(7, engine.Options.Tail.ReadBatchSize);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "log")));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AddStarcite_WithDelegate_OverridesConfiguration()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path, [new("Starcite:Tail:ReadBatchSize", "7")]);
        builder.AddStarcite(options => options.Tail.ReadBatchSize = 9);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<StarciteOptions>>().Value;

        Assert.Equal(9, options.Tail.ReadBatchSize);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task StartAsync_DataAnnotationRuleBroken_FailsNamingTheOption()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path, [new("Starcite:Storage:CheckpointInterval", "00:00:00.5")]);
        builder.AddStarcite();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(typeof(StarciteOptions), error.OptionsType);
        Assert.Contains(error.Failures, failure => failure.Contains("Storage.CheckpointInterval must be between", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_CrossFieldRuleBroken_FailsNamingTheOptions()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path, [new("Starcite:MaxEventBytes", (4 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        builder.AddStarcite();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("MaxEventBytes (4194304)", failure, StringComparison.Ordinal);
        Assert.Contains("Storage.PageSize", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_DataDirectoryIsAFile_FailsHostStart()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "not-a-directory");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        var builder = TestHosts.CreateBuilder(file);
        builder.AddStarcite();
        using var host = builder.Build();

        await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.False(host.Services.GetRequiredService<StarciteEngine>().IsReady);
    }

    [Fact]
    public async Task AddStarcite_CalledTwice_RegistersOneEngineOneLifecycleServiceAndTwoHealthChecks()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path);
        builder.AddStarcite(options => options.Tail.ReadBatchSize = 5);
        builder.Services.AddStarcite(options => options.Tail.RecentEventsPerSession = 3);

        Assert.Single(builder.Services, d => d.ServiceType == typeof(StarciteEngine));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(StarciteLifecycleService));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IValidateOptions<StarciteOptions>));

        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var options = host.Services.GetRequiredService<StarciteEngine>().Options;
        Assert.Equal(5, options.Tail.ReadBatchSize);
        Assert.Equal(3, options.Tail.RecentEventsPerSession);
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<StarciteLifecycleService>());
        var registrations = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Equal(2, registrations.Count);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }
}
