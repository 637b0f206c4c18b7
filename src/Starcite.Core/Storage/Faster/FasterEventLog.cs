using System.Numerics;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;

namespace Starcite.Storage.Faster;

/// <summary>
/// The durable log on FASTER's <see cref="FasterLog"/>, tuned as engine-notes §2.3 describes: fast commits written into
/// the log itself, a commit manager that writes metadata only every 1,000 commits, per-entry checksums, and a commit
/// issued by every enqueue so concurrent writers share each fsync. A safety timer commits anything a policy dropped.
/// </summary>
internal sealed partial class FasterEventLog : IEventLog
{
    private const int FastCommitThrottle = 1000;
    private const int EntryHeaderBytes = 12; // 4-byte length + 8-byte checksum with LogChecksumType.PerEntry

    private readonly FasterLog _log;
    private readonly DeviceLogCommitCheckpointManager _commitManager;
    private readonly IDevice _device;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _safetyCommits;
    private readonly ILogger _logger;

    private FasterEventLog(FasterLog log, DeviceLogCommitCheckpointManager commitManager, IDevice device, StorageOptions options, TimeProvider time, ILogger logger)
    {
        _log = log;
        _commitManager = commitManager;
        _device = device;
        _logger = logger;
        _safetyCommits = RunSafetyCommitsAsync(options.SafetyCommitInterval, time, _stopping.Token);
    }

    public long BeginAddress => _log.BeginAddress;

    public long TailAddress => _log.TailAddress;

    public long CommittedUntilAddress => _log.CommittedUntilAddress;

    /// <summary>Opens (and recovers) the log in <paramref name="directory"/>.</summary>
    public static FasterEventLog Open(string directory, StorageOptions options, TimeProvider time, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        var device = Devices.CreateLogDevice(Path.Combine(directory, "events.log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        var commitManager = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(),
            new DefaultCheckpointNamingScheme(Path.Combine(directory, "commits")),
            removeOutdated: true,
            fastCommitThrottleFreq: FastCommitThrottle);
        try
        {
            var log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogCommitManager = commitManager,
                FastCommitMode = true,
                LogChecksum = LogChecksumType.PerEntry,
                AutoCommit = true,
                LogCommitPolicy = options.CommitMode == CommitMode.Throughput
                    ? LogCommitPolicy.RateLimit(1, 64 * 1024)
                    : LogCommitPolicy.Default(),
                PageSizeBits = Bits(options.PageSize),
                MemorySizeBits = Bits(options.MemorySize),
                SegmentSizeBits = Bits(options.SegmentSize),
            });
            return new FasterEventLog(log, commitManager, device, options, time, logger);
        }
        catch
        {
            commitManager.Dispose();
            device.Dispose();
            throw;
        }
    }

    public bool TryAppend(ReadOnlySpan<byte> record, out long address) => _log.TryEnqueue(record, out address);

    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        // The ring frees pages as they flush; a commit of the current tail flushes everything.
        _log.Commit();
        await WaitForCommitAsync(_log.TailAddress - 1, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WaitForCommitAsync(long address, CancellationToken cancellationToken)
    {
        if (_log.CommittedUntilAddress > address)
        {
            return;
        }

        try
        {
            await _log.WaitForCommitAsync(address + 1, token: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StorageFailedException($"Commit of log address {address} failed.", ex);
        }
    }

    public async ValueTask<byte[]> ReadAsync(long address, int length, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            (bytes, length) = await _log.ReadAsync(address, length, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StorageFailedException($"The record at log address {address} cannot be read.", ex);
        }

        if (bytes is null || length <= 0)
        {
            throw new StorageFailedException($"No record at log address {address}.");
        }

        return bytes.Length == length ? bytes : bytes[..length];
    }

    public IEnumerable<LogRecord> ReadCommitted(long fromAddress, long untilAddress)
    {
        using var iterator = _log.Scan(fromAddress, untilAddress, scanBufferingMode: ScanBufferingMode.SinglePageBuffering);
        while (iterator.GetNext(out byte[] entry, out var length, out var current, out var next))
        {
            yield return new LogRecord(current, entry.Length == length ? entry : entry[..length], next);
        }
    }

    public IEnumerable<LogRecord> ReadCommitted(LogPosition first, LogPosition last) =>
        ReadCommitted(first.Address, last.Address + EntrySize(last.Length));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _safetyCommits.ConfigureAwait(false);
        try
        {
            if (_log.CommittedUntilAddress < _log.TailAddress)
            {
                await _log.CommitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _log.Dispose();
            _commitManager.Dispose(); // FasterLog does not dispose a manager it was given
            _device.Dispose();
            _stopping.Dispose();
        }
    }

    private async Task RunSafetyCommitsAsync(TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_log.CommittedUntilAddress < _log.TailAddress)
                {
                    _log.Commit();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogSafetyCommitFailed(_logger, ex);
        }
    }

    /// <summary>
    /// The bytes an entry takes in the log: FASTER's header (length and checksum) plus the record padded to 4 bytes. A
    /// scan must end at an entry boundary: an end inside an entry makes the iterator fail its checksum.
    /// </summary>
    private static long EntrySize(int recordLength) => EntryHeaderBytes + ((recordLength + 3) & ~3);

    private static int Bits(long powerOfTwo) => BitOperations.Log2((ulong)powerOfTwo);

    [LoggerMessage(EventId = LogEvents.SafetyCommitFailed, EventName = nameof(LogEvents.SafetyCommitFailed), Level = LogLevel.Error, Message = "The safety commit loop failed")]
    private static partial void LogSafetyCommitFailed(ILogger logger, Exception exception);
}
