using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Tailing;

/// <summary>The tail instruments of meter <c>Starcite</c>: <c>starcite.tail.readers</c> and <c>starcite.tail.deliveries</c>.</summary>
[Trait("Category", "Unit")]
public sealed class TailMetricsTests
{
    private const string MeterName = "Starcite";

    [Fact]
    public async Task OpenTail_ThenDispose_ReadersCounterGoesUpAndBackDown()
    {
        using var dir = new TempDirectory();
        using var metering = new Metering();
        using var readers = new MetricCollector<long>(metering.MeterFactory, MeterName, "starcite.tail.readers");
        await using var engine = await metering.StartAsync(dir.Path);
        var id = await engine.CreateAsync();

        var first = engine.OpenTail(id);
        var second = engine.OpenTail(id);
        Assert.Equal(2, Sum(readers));

        await first.DisposeAsync();
        await first.DisposeAsync();
        Assert.Equal(1, Sum(readers));

        // Refused opens never count as readers.
        Assert.Throws<InvalidRequestException>(() => engine.OpenTail(id, 1));
        Assert.Throws<SessionNotFoundException>(() => engine.OpenTail("ses_missing"));
        Assert.Equal(1, Sum(readers));

        await second.DisposeAsync();
        Assert.Equal(0, Sum(readers));
        Assert.Equal([1L, 1L, -1L, -1L], readers.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.All(readers.GetMeasurementSnapshot(), m => Assert.Empty(m.Tags));
    }

    [Fact]
    public async Task WaitToReadAsync_HistoryThenLive_CountsDeliveriesFromStorageThenMemory()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        using var metering = new Metering();
        using var deliveries = new MetricCollector<long>(metering.MeterFactory, MeterName, "starcite.tail.deliveries");
        await using var engine = await metering.StartAsync(dir.Path, o => o.Tail.ReadBatchSize = 8);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 20, ct);

        await using var tail = engine.OpenTail(id);
        Tails.AssertSeqs(await Tails.ReadAsync(tail, 20, ct), id, 1, 20);
        Assert.Equal((0, 20), (Sum(deliveries, "memory"), Sum(deliveries, "storage")));

        await Tails.AppendAsync(engine, id, "p", 21, 10, ct);
        Tails.AssertSeqs(await Tails.ReadAsync(tail, 10, ct), id, 21, 30);
        Assert.Equal((10, 20), (Sum(deliveries, "memory"), Sum(deliveries, "storage")));
        AssertOnlySourceTags(deliveries);
    }

    [Fact]
    public async Task WaitToReadAsync_WindowOff_CountsEveryDeliveryFromStorage()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        using var metering = new Metering();
        using var deliveries = new MetricCollector<long>(metering.MeterFactory, MeterName, "starcite.tail.deliveries");
        await using var engine = await metering.StartAsync(dir.Path, o =>
        {
            o.Tail.RecentEventsPerSession = 0;
            o.Tail.ReadBatchSize = 4;
        });
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 10, ct);
        await using var tail = engine.OpenTail(id);
        var reading = Tails.ReadAsync(tail, 25, ct);
        await Tails.AppendAsync(engine, id, "p", 11, 15, ct);

        Tails.AssertSeqs(await reading.WaitAsync(Tails.Timeout, ct), id, 1, 25);
        Assert.Equal((0, 25), (Sum(deliveries, "memory"), Sum(deliveries, "storage")));
        AssertOnlySourceTags(deliveries);
    }

    [Fact]
    public async Task WaitToReadAsync_ManyReadersOfLiveEvents_CountsEachReadersDeliveries()
    {
        const int readerCount = 5;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        using var metering = new Metering();
        using var deliveries = new MetricCollector<long>(metering.MeterFactory, MeterName, "starcite.tail.deliveries");
        await using var engine = await metering.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        var tails = Enumerable.Range(0, readerCount).Select(_ => engine.OpenTail(id)).ToList();
        try
        {
            await Tails.AppendConcurrentlyAsync(engine, id, 2, 40, ct);
            foreach (var tail in tails)
            {
                Tails.AssertSeqs(await Tails.ReadAsync(tail, 40, ct), id, 1, 40);
            }

            Assert.Equal((readerCount * 40, 0), (Sum(deliveries, "memory"), Sum(deliveries, "storage")));
        }
        finally
        {
            foreach (var tail in tails)
            {
                await tail.DisposeAsync();
            }
        }
    }

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    private static long Sum(MetricCollector<long> collector, string source) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["source"], source)).Sum(m => m.Value);

    private static void AssertOnlySourceTags(MetricCollector<long> collector) =>
        Assert.All(collector.GetMeasurementSnapshot(), m => Assert.Equal(["source"], m.Tags.Keys));
}
