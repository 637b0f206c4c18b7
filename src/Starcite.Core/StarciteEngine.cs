using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Archive;
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
/// <para>Open one engine per data directory with <see cref="StartAsync(StarciteOptions, ILoggerFactory, IMeterFactory, TimeProvider, IArchiveStore, CancellationToken)"/>; dispose it to checkpoint and close.</para>
/// </remarks>
public sealed partial class StarciteEngine : IAsyncDisposable
{
    private readonly StarciteOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StarciteMetrics _metrics;
    private const int MaxRecoveryAttempts = 4;

    private readonly ILoggerFactory _loggerFactory;
    private readonly WriteGate _gate = new();
    private readonly LifetimeGate _lifetime = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<SessionHeader, PendingEvent, ValueTask> _indexPublished;
    private IEventLog _log = null!;     // set by StartAsync, before any operation may run
    private IEventIndex _index = null!;
    private SessionRegistry _sessions = new();
    private Task _checkpoints = Task.CompletedTask;
    private long _checkpointedAddress;
    private Exception? _failure;
    private int _started;
    private int _disposed;

    /// <summary>Creates an engine on <see cref="StarciteOptions.DataDirectory"/> without touching the disk; call <see cref="StartAsync(CancellationToken)"/> before using it.</summary>
    /// <remarks>Separate construction lets a host inject the engine into its services and recover it when the host starts.</remarks>
    /// <param name="options">The options; validated here.</param>
    /// <param name="loggerFactory">Where log messages go; none when null.</param>
    /// <param name="meterFactory">Where the <c>Starcite</c> meter is created; a private meter when null.</param>
    /// <param name="timeProvider">The clock for timestamps and timers; the system clock when null.</param>
    /// <param name="archiveStore">Where committed history is archived (contract §5); none when null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public StarciteEngine(StarciteOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null,
        IArchiveStore? archiveStore = null)
    {
        StarciteOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _logger = _loggerFactory.CreateLogger<StarciteEngine>();
        _metrics = new StarciteMetrics(meterFactory);
        _indexPublished = IndexPublishedAsync;
        ConfigureArchive(archiveStore);
    }

    /// <summary>The name of the meter the engine's instruments belong to (<c>starcite.*</c>); subscribe to it to export them.</summary>
    public const string MeterName = StarciteMetrics.MeterName;

    /// <summary>The options the engine runs with.</summary>
    public StarciteOptions Options => _options;

    /// <summary>True once started, and until it is disposed or its store fails.</summary>
    /// <remarks>In a cluster, also only while a leader is known and this member has applied everything it knows to be committed.</remarks>
    public bool IsReady => Volatile.Read(ref _started) == 1 && !IsClosed && Volatile.Read(ref _failure) is null
        && (!_options.Cluster.IsEnabled || _raft?.Status.IsReady == true);

    /// <summary>Creates an engine and starts it: <c>new StarciteEngine(...)</c> followed by <see cref="StartAsync(CancellationToken)"/>.</summary>
    /// <param name="options">The options; validated first.</param>
    /// <param name="loggerFactory">Where log messages go; none when null.</param>
    /// <param name="meterFactory">Where the <c>Starcite</c> meter is created; a private meter when null.</param>
    /// <param name="timeProvider">The clock for timestamps and timers; the system clock when null.</param>
    /// <param name="archiveStore">Where committed history is archived (contract §5); none when null.</param>
    /// <param name="cancellationToken">Cancels recovery.</param>
    /// <returns>The running engine.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="StorageFailedException">The stored data cannot be recovered.</exception>
    public static async Task<StarciteEngine> StartAsync(
        StarciteOptions options,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null,
        IArchiveStore? archiveStore = null,
        CancellationToken cancellationToken = default)
    {
        var engine = new StarciteEngine(options, loggerFactory, meterFactory, timeProvider, archiveStore);
        try
        {
            await engine.StartAsync(cancellationToken).ConfigureAwait(false);
            return engine;
        }
        catch
        {
            engine._metrics.Dispose();
            throw;
        }
    }

    /// <summary>Opens the data directory and recovers every acknowledged write; the engine is usable once this returns.</summary>
    /// <param name="cancellationToken">Cancels recovery.</param>
    /// <exception cref="InvalidOperationException">The engine was started before.</exception>
    /// <exception cref="StorageFailedException">The stored data cannot be recovered.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _started, 2, 0) != 0)
        {
            throw new InvalidOperationException("The engine was started before.");
        }

        var directory = Path.GetFullPath(_options.DataDirectory);
        var storageLogger = _loggerFactory.CreateLogger("Starcite.Storage");
        var logDirectory = Path.Combine(directory, "log");
        var indexDirectory = Path.Combine(directory, "index");

        // Each failed attempt removes damage or drops derived state, so the next one starts from less; a handful is
        // more than any real crash needs.
        for (var attempt = 1; ; attempt++)
        {
            // A member's Raft WAL holds every entry its store has not made durable (and replays it), so the store skips
            // O_SYNC: about a quarter of each member's disk requests per entry (docs/benchmarks.md, Cluster).
            var durability = _options.Cluster.IsEnabled ? LogDurability.DurablePoints : LogDurability.EveryWrite;
            var log = FasterEventLog.Open(logDirectory, _options.Storage, _time, storageLogger, durability);
            FasterEventIndex? index = null;
            RecoveryOutcome outcome;
            try
            {
                index = await FasterEventIndex.OpenAsync(indexDirectory, _options.Storage, storageLogger, cancellationToken).ConfigureAwait(false);
                (_log, _index, _sessions) = (log, index, new SessionRegistry());
                outcome = await RecoverAsync(directory, cancellationToken).ConfigureAwait(false);
                if (outcome.Recovered)
                {
                    Volatile.Write(ref _started, 1); // the WAL's replay applies entries, which needs a started engine
                    try
                    {
                        await StartReplicationAsync(directory, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        Volatile.Write(ref _started, 2);
                        throw;
                    }

                    _checkpoints = RunCheckpointsAsync(_stopping.Token);
                    StartArchiver();
                    return;
                }
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
                FasterEventLog.RemoveDamage(logDirectory, _options.Storage, outcome.BadRecordAddress);
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

        await StopArchiverAsync().ConfigureAwait(false);
        if (_raft is not null)
        {
            // First: stop taking and applying entries, so the final checkpoint below records where the store stands.
            await _raft.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _checkpoints.ConfigureAwait(false);
        await _lifetime.CloseAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _started) != 1)
        {
            // Never started, or its start failed (which closed what it had opened).
            _metrics.Dispose();
            _gate.Dispose();
            _stopping.Dispose();
            return;
        }

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
        ThrowIfNotStarted();
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
        ThrowIfNotStarted();
        if (!_lifetime.TryEnter())
        {
            throw new EngineClosedException();
        }
    }

    private void ThrowIfNotStarted()
    {
        if (Volatile.Read(ref _started) != 1 && !IsClosed)
        {
            throw new InvalidOperationException("Start the engine (StartAsync) before using it.");
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
