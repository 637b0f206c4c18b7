using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Starcite.Hosting.HealthChecks;
using Starcite.Hosting.Tests.TestSupport;

namespace Starcite.Hosting.Tests.HealthChecks;

[Trait("Category", "Integration")]
public sealed class StarciteHealthCheckTests
{
    [Fact]
    public async Task ReadyCheck_AcrossTheHostLifetime_FollowsTheEngine()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path);
        builder.AddStarcite();
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await CheckAsync(health, StarciteHealthChecks.ReadyTag);
        await host.StartAsync(TestContext.Current.CancellationToken);
        var running = await CheckAsync(health, StarciteHealthChecks.ReadyTag);
        await host.StopAsync(TestContext.Current.CancellationToken);
        var after = await CheckAsync(health, StarciteHealthChecks.ReadyTag);

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("not been started", before.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, running.Status);
        Assert.Equal(HealthStatus.Unhealthy, after.Status);
        Assert.Contains("stopped", after.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveCheck_BeforeDuringAndAfterTheHost_IsHealthy()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path);
        builder.AddStarcite();
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await CheckAsync(health, StarciteHealthChecks.LiveTag);
        await host.StartAsync(TestContext.Current.CancellationToken);
        var running = await CheckAsync(health, StarciteHealthChecks.LiveTag);
        await host.StopAsync(TestContext.Current.CancellationToken);
        var after = await CheckAsync(health, StarciteHealthChecks.LiveTag);

        Assert.All([before, running, after], entry => Assert.Equal(HealthStatus.Healthy, entry.Status));
    }

    [Fact]
    public async Task ReadyCheck_WhenStartFails_SaysSo()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "not-a-directory");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        var builder = TestHosts.CreateBuilder(file);
        builder.AddStarcite();
        using var host = builder.Build();

        await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));
        var ready = await CheckAsync(host.Services.GetRequiredService<HealthCheckService>(), StarciteHealthChecks.ReadyTag);

        Assert.Equal(HealthStatus.Unhealthy, ready.Status);
        Assert.Contains("failed to start", ready.Description, StringComparison.Ordinal);
    }

    private static async Task<HealthReportEntry> CheckAsync(HealthCheckService health, string tag)
    {
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(tag), TestContext.Current.CancellationToken);
        return Assert.Single(report.Entries).Value;
    }
}
