using System.Diagnostics.Metrics;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Reads the engine's own archive instruments: the <c>starcite.archive.lag</c> gauge (committed events not yet
/// confirmed by the archive, over all sessions: the sum of last_seq - archived_seq) and the
/// <c>starcite.archive.events</c> counter (events the archive confirmed), and the <c>starcite.archive.write.duration</c>
/// histogram (how long the store took per batch: how busy the archive is). Start it after the engine it observes, and
/// run one engine at a time: the listener sees every meter named <c>Starcite</c> in the process.
/// </summary>
internal sealed class ArchiveMeterProbe : IDisposable
{
    private const string LagInstrument = "starcite.archive.lag";
    private const string ArchivedInstrument = "starcite.archive.events";
    private const string WriteInstrument = "starcite.archive.write.duration";

    private readonly MeterListener _listener = new();
    private readonly Lock _sampling = new();
    private readonly Lock _writing = new();
    private long _lag = -1;
    private long _archived;
    private long _writes;
    private double _writeSeconds;

    public ArchiveMeterProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StarciteEngine.MeterName && instrument.Name is LagInstrument or ArchivedInstrument or WriteInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == LagInstrument)
            {
                Volatile.Write(ref _lag, value);
            }
            else
            {
                Interlocked.Add(ref _archived, value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            lock (_writing)
            {
                _writes++;
                _writeSeconds += seconds;
            }
        });
        _listener.Start();
    }

    /// <summary>Events the archive confirmed since the probe started.</summary>
    public long ArchivedEvents => Interlocked.Read(ref _archived);

    /// <summary>Archive writes since the probe started, and the time the store took for them.</summary>
    public (long Writes, double Seconds) StoreWrites
    {
        get
        {
            lock (_writing)
            {
                return (_writes, _writeSeconds);
            }
        }
    }

    /// <summary>The archive lag now, in events (asks the engine's gauge).</summary>
    public long SampleLag()
    {
        lock (_sampling)
        {
            _listener.RecordObservableInstruments();
            return Volatile.Read(ref _lag);
        }
    }

    public void Dispose() => _listener.Dispose();
}
