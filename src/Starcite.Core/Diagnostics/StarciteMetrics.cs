using System.Diagnostics.Metrics;
using Starcite.Sessions;

namespace Starcite.Diagnostics;

/// <summary>The engine's instruments (meter <c>Starcite</c>). Tags are low-cardinality: never a session id.</summary>
internal sealed class StarciteMetrics : IDisposable
{
    public const string MeterName = "Starcite";

    /// <summary>Bucket bounds for durations in seconds, 100 µs to 10 s: an ack takes about 0.3 ms, a bad one seconds.</summary>
    private static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private static readonly string[] OutcomeNames = Enum.GetNames<AppendStatus>().Select(ToSnakeCase).ToArray();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _appendDuration;
    private readonly Histogram<double> _commitDuration;
    private readonly UpDownCounter<long> _tailReaders;
    private readonly Counter<long> _deliveries;

    public StarciteMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null; // a factory's meters are the factory's to dispose
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _appendDuration = _meter.CreateHistogram("starcite.append.duration", "s", "Time to decide and make an append durable, by outcome.", advice: DurationBuckets);
        _commitDuration = _meter.CreateHistogram("starcite.storage.commit.duration", "s", "Time from enqueue to durable commit of an accepted event.", advice: DurationBuckets);
        _tailReaders = _meter.CreateUpDownCounter<long>("starcite.tail.readers", "{reader}", "Open tail readers.");
        _deliveries = _meter.CreateCounter<long>("starcite.tail.deliveries", "{event}", "Events delivered to tail readers, by source (memory or storage).");
    }

    public void OnAppend(TimeSpan duration, AppendStatus status) =>
        _appendDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", OutcomeNames[(int)status]));

    public void OnCommit(TimeSpan duration) => _commitDuration.Record(duration.TotalSeconds);

    public void OnTailOpened() => _tailReaders.Add(1);

    public void OnTailClosed() => _tailReaders.Add(-1);

    public void OnDelivered(int count, bool fromMemory) =>
        _deliveries.Add(count, new KeyValuePair<string, object?>("source", fromMemory ? "memory" : "storage"));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static string ToSnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
