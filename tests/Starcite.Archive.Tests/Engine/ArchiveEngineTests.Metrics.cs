using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.Engine;

public abstract partial class ArchiveEngineTests
{
    [Fact]
    public async Task Metrics_WritesOutageAndBackpressure_ReportLagBacklogDurationFailuresAndRefusals()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var durations = new MetricCollector<double>(meters, StarciteEngine.MeterName, "starcite.archive.write.duration");
        using var archived = new MetricCollector<long>(meters, StarciteEngine.MeterName, "starcite.archive.events");
        using var failures = new MetricCollector<long>(meters, StarciteEngine.MeterName, "starcite.archive.failures");
        using var refusals = new MetricCollector<long>(meters, StarciteEngine.MeterName, "starcite.append.backpressure");
        using var lag = new MetricCollector<long>(meters, StarciteEngine.MeterName, "starcite.archive.lag");
        using var backlog = new MetricCollector<long>(meters, StarciteEngine.MeterName, "starcite.archive.backlog");
        var store = Open(viaProxy: true);
        await using var engine = await StartAsync(Options(a => a.EventStoreMaxSize = "32KB"), store, meters: meters);
        await CreateSessionsAsync(engine, "ses_m");
        long Gauge(MetricCollector<long> gauge)
        {
            gauge.RecordObservableInstruments();
            return gauge.LastMeasurement!.Value;
        }

        for (var n = 1; n <= 20; n++)
        {
            await AppendOkAsync(engine, "ses_m", "p", n, padding: 100);
        }

        await WaitArchivedAsync(engine, ["ses_m"]);
        Assert.Equal(20, archived.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(store.Confirmed.Count, durations.GetMeasurementSnapshot().Count); // one duration per confirmed write
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
        Assert.Equal((0L, 0L), (Gauge(lag), Gauge(backlog)));
        Assert.Empty(failures.GetMeasurementSnapshot());

        // Archive down: lag and backlog grow with each append; failed writes are counted.
        Proxy.Cut();
        for (var n = 21; n <= 30; n++)
        {
            await AppendOkAsync(engine, "ses_m", "p", n, padding: 100);
        }

        Assert.Equal(10, Gauge(lag));
        var tenEvents = Gauge(backlog);
        Assert.InRange(tenEvents, 10 * 100, 10 * 600);
        await Eventually.UntilAsync(() => failures.GetMeasurementSnapshot().Sum(m => m.Value) >= 2, "two archive failures counted");

        // Over the limit: the refusal is counted, and the backlog is at the limit.
        var producerSeq = 31L;
        while ((await engine.AppendAsync("ses_m", Request("p", producerSeq, 1000), Ct)).Status == AppendStatus.Appended)
        {
            producerSeq++;
        }

        Assert.Equal(1, refusals.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.True(Gauge(backlog) >= 32 << 10);
        Assert.Equal(producerSeq - 21, Gauge(lag));

        // Archive back: lag and backlog return to zero, and every event was counted once as archived.
        Proxy.Restore();
        await WaitArchivedAsync(engine, ["ses_m"]);
        Assert.Equal((0L, 0L), (Gauge(lag), Gauge(backlog)));
        Assert.Equal(producerSeq - 1, archived.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(store.Confirmed.Count, durations.GetMeasurementSnapshot().Count);
    }
}
