using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Regression: <c>starcite.tail.deliveries</c> ("Events delivered to tail readers") also counts events returned by
/// history pages (ReadEventsAsync), because both paths share StarciteEngine.ReadRangeAsync, which records the metric.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TailDeliveriesMetricTests
{
    [Fact]
    public async Task ReadEventsAsync_HistoryPage_DoesNotCountAsTailDeliveries()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        using var metering = new Metering();
        using var deliveries = new MetricCollector<long>(metering.MeterFactory, "Starcite", "starcite.tail.deliveries");
        await using var engine = await metering.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 10, ct);

        var page = await engine.ReadEventsAsync(id, 0, 100, ct);

        Assert.Equal(10, page.Events.Count);
        Assert.Equal(0, deliveries.GetMeasurementSnapshot().Sum(m => m.Value));
    }
}
