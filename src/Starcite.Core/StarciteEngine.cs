using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Diagnostics;
using Starcite.Internal;
using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Checkpoints;
using Starcite.Storage.Faster;

namespace Starcite;

/// <summary>
/// The embeddable Starcite engine: durable, ordered, idempotent session logs in one data directory (contract §1-§4).
/// </summary>
/// <remarks>
/// <para>Every method is safe to call concurrently. Appends to one session are decided one at a time; appends to
/// different sessions run in parallel and share each fsync of the log.</para>
/// <para>Every outcome the engine reports is durable: an appended or deduplicated event, a conflict's <c>last_seq</c>
/// and a created session are all on stable storage before the call returns. Readers never see anything else.</para>
/// <para>Open one engine per data directory with <see cref="StartAsync"/>; dispose it to checkpoint and close.</para>
/// </remarks>
public sealed partial class StarciteEngine : IAsyncDisposable
{
    private readonly StarciteOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StarciteMetrics _metrics;
    private readonly IEventLog _log;
    private readonly IEventIndex _index;
    private readonly SessionRegistry _sessions = new();
    private readonly WriteGate _gate = new();
    private readonly LifetimeGate _lifetime = new();
    private readonly CancellationTokenSource _stopping = new();
    private const int MaxRecoveryAttempts = 4;

    private readonly Func<SessionHeader, PendingEvent, ValueTask> _indexPublished;
    private Task _checkpoints = Task.CompletedTask;
    private long _checkpointedAddress;
    private Exception? _failure;
    private int _disposed;

    private StarciteEngine(StarciteOptions options, IEventLog log, IEventIndex index, TimeProvider time, ILoggerFactory loggerFactory, IMeterFactory? meterFactory)
    {
        _options = options;
        _log = log;
        _index = index;
        _time = time;
        _logger = loggerFactory.CreateLogger<StarciteEngine>();
        _metrics = new StarciteMetrics(meterFactory);
        _indexPublished = IndexPublishedAsync;
    }

    /// <summary>The options the engine runs with.</summary>
    public StarciteOptions Options => _options;

    /// <summary>Opens the engine on <see cref="StarciteOptions.DataDirectory"/>, recovering every acknowledged write.</summary>
    /// <param name="options">Validated options (see <see cref="StarciteOptionsValidator"/>).</param>
    /// <param name="loggerFactory">Where log messages go; none when null.</param>
    /// <param name="meterFactory">Where the <c>Starcite</c> meter is created; a private meter when null.</param>
    /// <param name="timeProvider">The clock for timestamps and timers; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels recovery.</param>
    /// <returns>The running engine.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="StorageFailedException">The stored data cannot be recovered.</exception>
    public static async Task<StarciteEngine> StartAsync(
        StarciteOptions options,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        StarciteOptionsValidator.ThrowIfInvalid(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        var directory = Path.GetFullPath(options.DataDirectory);
        var storageLogger = loggerFactory.CreateLogger("Starcite.Storage");
        var logDirectory = Path.Combine(directory, "log");
        var indexDirectory = Path.Combine(directory, "index");

        // Each failed attempt removes damage or drops derived state, so the next one starts from less; a handful is
        // more than any real crash needs.
        for (var attempt = 1; ; attempt++)
        {
            var log = FasterEventLog.Open(logDirectory, options.Storage, timeProvider, storageLogger);
            FasterEventIndex? index = null;
            RecoveryOutcome outcome;
            try
            {
                index = await FasterEventIndex.OpenAsync(indexDirectory, options.Storage, storageLogger, cancellationToken).ConfigureAwait(false);
                var engine = new StarciteEngine(options, log, index, timeProvider, loggerFactory, meterFactory);
                outcome = await engine.RecoverAsync(directory, cancellationToken).ConfigureAwait(false);
                if (outcome.Recovered)
                {
                    engine._checkpoints = engine.RunCheckpointsAsync(engine._stopping.Token);
                    return engine;
                }

                engine._metrics.Dispose();
            }
            catch
            {
                await CloseStorageAsync(log, index).ConfigureAwait(false);
                throw;
            }

            await CloseStorageAsync(log, index).ConfigureAwait(false);
            if (attempt == MaxRecoveryAttempts)
            {
                throw new StorageFailedException($"The data in {directory} cannot be recovered: {outcome.Problem}");
            }

            // Derived state (index, session snapshots) is rebuilt from the log; damage is cut from the log itself.
            LogRebuilding(storageLogger, outcome.Problem ?? "", outcome.BadRecordAddress ?? -1);
            if (outcome.LogDamaged)
            {
                FasterEventLog.RemoveDamage(logDirectory, options.Storage, outcome.BadRecordAddress);
            }

            FasterEventIndex.Wipe(indexDirectory);
            SessionSnapshotFile.DeleteAll(Path.Combine(directory, "checkpoints"));
        }
    }

    private static async Task CloseStorageAsync(FasterEventLog log, FasterEventIndex? index)
    {
        if (index is not null)
        {
            await index.DisposeAsync().ConfigureAwait(false);
        }

        await log.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops accepting requests, waits for in-flight reads and writes, checkpoints, and closes the store.</summary>
    /// <remarks>
    /// Open tails end: <c>WaitToReadAsync</c> returns false once a tail has delivered what it already fetched, so what
    /// each tail delivered is a gap-free prefix and its <c>Cursor</c> is where to resume on a reopened engine.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _checkpoints.ConfigureAwait(false);
        await _lifetime.CloseAsync().ConfigureAwait(false);
        try
        {
            if (_failure is null)
            {
                await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogCheckpointFailed(_logger, ex);
        }
        finally
        {
            foreach (var session in _sessions.All())
            {
                session.Signal.Pulse(); // tails see the engine closed and end
                session.Dispose();
            }

            await _index.DisposeAsync().ConfigureAwait(false);
            await _log.DisposeAsync().ConfigureAwait(false);
            _metrics.Dispose();
            _gate.Dispose();
            _stopping.Dispose();
            LogEngineStopped(_logger, _options.DataDirectory);
        }
    }

    private bool IsClosed => Volatile.Read(ref _disposed) == 1;

    private void ThrowIfUnavailable()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new StorageFailedException("The store failed earlier; reopen the engine to recover.", failure);
        }

        if (IsClosed)
        {
            throw new EngineClosedException();
        }
    }

    /// <summary>Enters the lifetime and write gates, or throws when the engine cannot take writes. Pair with <see cref="ExitWrite"/>.</summary>
    private async ValueTask EnterWriteAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        EnterStorage();
        try
        {
            await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _lifetime.Exit();
            throw;
        }

        if (_failure is not null)
        {
            ExitWrite();
            ThrowIfUnavailable();
        }
    }

    private void ExitWrite()
    {
        _gate.Exit();
        _lifetime.Exit();
    }

    /// <summary>Enters the lifetime gate before touching storage, or throws once the engine is closing. Pair with <c>_lifetime.Exit()</c>.</summary>
    private void EnterStorage()
    {
        if (!_lifetime.TryEnter())
        {
            throw new EngineClosedException();
        }
    }

    /// <summary>
    /// After a failed commit, in-memory state may be ahead of the log: refuse every further write (engine-notes §4.2)
    /// and wake every waiter so nothing hangs.
    /// </summary>
    private void Fail(Exception error)
    {
        if (Interlocked.CompareExchange(ref _failure, error, null) is null)
        {
            LogEngineFailed(_logger, error);
            foreach (var session in _sessions.All())
            {
                session.Signal.Fail(new StorageFailedException("The store failed; reopen the engine to recover.", error));
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.EngineStarted, EventName = nameof(LogEvents.EngineStarted), Level = LogLevel.Information,
        Message = "Starcite engine started on {DataDirectory}: {SessionCount} sessions, replayed {ReplayedRecords} records in {RecoveryMilliseconds} ms")]
    private static partial void LogEngineStarted(ILogger logger, string dataDirectory, int sessionCount, long replayedRecords, long recoveryMilliseconds);

    [LoggerMessage(EventId = LogEvents.LogDamageRemoved, EventName = nameof(LogEvents.LogDamageRemoved), Level = LogLevel.Error,
        Message = "Recovery found {Problem} (record at {BadRecordAddress}); rebuilding from the clean prefix of the log")]
    private static partial void LogRebuilding(ILogger logger, string problem, long badRecordAddress);

    [LoggerMessage(EventId = LogEvents.EngineStopped, EventName = nameof(LogEvents.EngineStopped), Level = LogLevel.Information, Message = "Starcite engine on {DataDirectory} stopped")]
    private static partial void LogEngineStopped(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = LogEvents.EngineFailed, EventName = nameof(LogEvents.EngineFailed), Level = LogLevel.Critical, Message = "The store failed; the engine refuses writes until it is reopened")]
    private static partial void LogEngineFailed(ILogger logger, Exception exception);
}
