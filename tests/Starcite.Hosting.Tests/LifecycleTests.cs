using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Starcite.Hosting.Diagnostics;
using Starcite.Hosting.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Hosting.Tests;

[Trait("Category", "Integration")]
public sealed class LifecycleTests
{
    [Fact]
    public async Task BackgroundService_InjectingTheEngine_AppendsAfterRecovery()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path);
        var appended = new TaskCompletionSource<(string SessionId, AppendResult Result)>(TaskCreationOptions.RunContinuationsAsynchronously);
        builder.Services.AddSingleton(appended);
        builder.Services.AddHostedService<AppendingService>(); // registered before AddStarcite on purpose
        builder.AddStarcite();
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        var (sessionId, result) = await appended.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(AppendStatus.Appended, result.Status);
        Assert.Equal(1, result.Seq);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StopAsync_ThenNewHostOnSameDirectory_DisposesEngineAndKeepsTheData()
    {
        using var dir = new TempDirectory();
        string sessionId;
        StarciteEngine first;
        {
            var builder = TestHosts.CreateBuilder(dir.Path);
            builder.AddStarcite();
            using var host = builder.Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            first = host.Services.GetRequiredService<StarciteEngine>();
            sessionId = (await first.CreateSessionAsync(new CreateSessionRequest { Title = "restart" }, TestContext.Current.CancellationToken)).Session.Id;
            Assert.Equal(AppendStatus.Appended, (await first.AppendAsync(sessionId, TestHosts.Event(1), TestContext.Current.CancellationToken)).Status);

            await host.StopAsync(TestContext.Current.CancellationToken);

            Assert.False(first.IsReady);
            await Assert.ThrowsAsync<EngineClosedException>(async () => await first.AppendAsync(sessionId, TestHosts.Event(2), TestContext.Current.CancellationToken));
        }

        var again = TestHosts.CreateBuilder(dir.Path);
        again.AddStarcite();
        using var restarted = again.Build();
        await restarted.StartAsync(TestContext.Current.CancellationToken);
        var engine = restarted.Services.GetRequiredService<StarciteEngine>();

        var page = await engine.ReadEventsAsync(sessionId, cursor: 0, limit: 10, TestContext.Current.CancellationToken);

        Assert.NotSame(first, engine);
        var stored = Assert.Single(page.Events);
        Assert.Equal(1, stored.Seq);
        await restarted.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AddStarcite_WithTimeProviderInContainer_StampsEventsWithIt()
    {
        using var dir = new TempDirectory();
        var now = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero);
        var builder = TestHosts.CreateBuilder(dir.Path);
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(now));
        builder.AddStarcite();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var engine = host.Services.GetRequiredService<StarciteEngine>();

        var sessionId = (await engine.CreateSessionAsync(new CreateSessionRequest(), TestContext.Current.CancellationToken)).Session.Id;
        await engine.AppendAsync(sessionId, TestHosts.Event(1), TestContext.Current.CancellationToken);
        var page = await engine.ReadEventsAsync(sessionId, cursor: 0, limit: 10, TestContext.Current.CancellationToken);

        Assert.Equal(now, Assert.Single(page.Events).InsertedAt);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AddStarcite_WithLoggingAndMetricsInContainer_UsesThem()
    {
        using var dir = new TempDirectory();
        var builder = TestHosts.CreateBuilder(dir.Path);
        builder.Logging.AddFakeLogging();
        builder.AddStarcite();
        using var host = builder.Build();
        using var appendDurations = new MetricCollector<double>(host.Services.GetRequiredService<IMeterFactory>(), "Starcite", "starcite.append.duration");
        await host.StartAsync(TestContext.Current.CancellationToken);
        var engine = host.Services.GetRequiredService<StarciteEngine>();

        var sessionId = (await engine.CreateSessionAsync(new CreateSessionRequest(), TestContext.Current.CancellationToken)).Session.Id;
        await engine.AppendAsync(sessionId, TestHosts.Event(1), TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Single(appendDurations.GetMeasurementSnapshot());
        var records = host.Services.GetFakeLogCollector().GetSnapshot();
        var starting = Assert.Single(records, r => r.Id.Id == HostingLog.StartingEngineId);
        Assert.Contains(dir.Path, starting.Message, StringComparison.Ordinal);
        Assert.Contains("Storage.PageSize=4194304", starting.Message, StringComparison.Ordinal);
        Assert.Contains(records, r => r.Category == typeof(StarciteEngine).FullName && r.Level == LogLevel.Information);
    }

    private sealed class AppendingService(StarciteEngine engine, TaskCompletionSource<(string, AppendResult)> appended) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                // The lifecycle service's StartingAsync has recovered the engine before any StartAsync runs.
                Assert.True(engine.IsReady);
                var sessionId = (await engine.CreateSessionAsync(new CreateSessionRequest(), stoppingToken)).Session.Id;
                appended.SetResult((sessionId, await engine.AppendAsync(sessionId, TestHosts.Event(1), stoppingToken)));
            }
            catch (Exception ex)
            {
                appended.SetException(ex);
            }
        }
    }
}
