using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;
using Starcite.Storage.Codec;

namespace Starcite.Archive;

/// <summary>
/// Copies committed history to the archive in the background (contract §5): every flush interval, a batch of the
/// lagging sessions' next events, oldest first, goes to <see cref="IArchiveStore.WriteAsync"/>; only once the store confirmed it does
/// the session's <c>archived_seq</c> advance, through a durable record. A failed write changes nothing and is retried
/// after a growing delay, so an archive outage never blocks appends (until the hot limit) and never loses data.
/// </summary>
internal sealed partial class Archiver : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly IArchiveStore _store;
    private readonly IArchiveSource _source;
    private readonly ArchiveOptions _options;
    private readonly TimeProvider _time;
    private readonly StarciteMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public Archiver(IArchiveStore store, IArchiveSource source, ArchiveOptions options, TimeProvider time, StarciteMetrics metrics, ILogger logger)
    {
        _store = store;
        _source = source;
        _options = options;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _loop = RunAsync(_stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(failures == 0 ? _options.FlushInterval : RetryDelay(failures), _time, cancellationToken).ConfigureAwait(false);
                while (_source.CanArchive && await FlushOnceAsync(cancellationToken).ConfigureAwait(false))
                {
                    // A full batch went out: more is waiting, so carry on without waiting for the next tick.
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                _metrics.OnArchiveFailed();
                LogArchiveFailed(_logger, RetryDelay(failures).TotalMilliseconds, ex);
            }
        }
    }

    /// <summary>100 ms, doubling with each failure in a row, up to the configured maximum.</summary>
    private TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(FirstRetryDelay.Ticks << Math.Min(failures - 1, 20), _options.MaxRetryDelay.Ticks));

    /// <summary>Archives one batch; true when the batch was full (there is more to do).</summary>
    private async Task<bool> FlushOnceAsync(CancellationToken cancellationToken)
    {
        var batch = new List<ArchiveWrite>();
        var progress = new List<ArchivedRange>();
        var budget = _options.MaxBatchEvents;
        foreach (var (session, events) in await _source.ReadBatchAsync(budget, cancellationToken).ConfigureAwait(false))
        {
            var archivedSeq = events[^1].Seq;
            batch.Add(new ArchiveWrite(session.ToInfo() with { ArchivedSeq = archivedSeq }, events));
            progress.Add(new ArchivedRange(session, archivedSeq, events.Sum(e => (long)RecordCodec.SizeOf(e))));
            budget -= events.Count;
        }

        if (batch.Count == 0)
        {
            return false;
        }

        var started = _time.GetTimestamp();
        await _store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        _metrics.OnArchiveWrite(_time.GetElapsedTime(started), _options.MaxBatchEvents - budget);
        await _source.RecordArchivedAsync(progress, cancellationToken).ConfigureAwait(false);
        return budget <= 0;
    }

    [LoggerMessage(EventId = LogEvents.ArchiveFailed, EventName = nameof(LogEvents.ArchiveFailed), Level = LogLevel.Warning,
        Message = "An archive write failed; nothing was lost, retrying in {RetryMilliseconds} ms")]
    private static partial void LogArchiveFailed(ILogger logger, double retryMilliseconds, Exception exception);
}
