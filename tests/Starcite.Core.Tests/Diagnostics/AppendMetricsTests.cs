using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Diagnostics;

[Trait("Category", "Unit")]
public sealed class AppendMetricsTests
{
    [Fact]
    public async Task AppendAsync_EachOutcome_IsRecordedWithItsOutcomeTag()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var appends = new MetricCollector<double>(meters, "Starcite", "starcite.append.duration");
        using var commits = new MetricCollector<double>(meters, "Starcite", "starcite.storage.commit.duration");
        await using var engine = await StarciteEngine.StartAsync(Engines.Options(dir.Path), meterFactory: meters, cancellationToken: ct);
        var id = await engine.CreateAsync("ses_m");

        await engine.AppendAsync(id, Engines.Event("p", 1), ct);
        await engine.AppendAsync(id, Engines.Event("p", 1), ct);
        await engine.AppendAsync(id, Engines.Event("p", 5), ct);
        await engine.AppendAsync("ses_missing", Engines.Event("p", 1), ct);

        var outcomes = appends.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).ToList();
        Assert.Equal(["appended", "duplicate", "producer_seq_conflict", "session_not_found"], outcomes);
        Assert.All(appends.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
        Assert.Single(commits.GetMeasurementSnapshot());
    }
}
