using System.Numerics;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;

namespace Starcite.Storage.Faster;

/// <summary>
/// The durable log on FASTER's <see cref="FasterLog"/>, tuned as engine-notes §2.3 describes: fast commits written into
/// the log itself, a commit manager that writes metadata only every 1,000 commits, per-entry checksums, and a commit
/// issued by every enqueue so concurrent writers share each fsync. A safety timer commits anything a policy dropped.
/// With <see cref="LogDurability.DurablePoints"/> the writes skip O_SYNC and the metadata marks the durable points.
/// </summary>
internal sealed partial class FasterEventLog : IEventLog
{
    private const int FastCommitThrottle = 1000;
    private const int EntryHeaderBytes = 12; // 4-byte length + 8-byte checksum with LogChecksumType.PerEntry

    private readonly FasterLog _log;
    private readonly DurableCommitManager _commitManager;
    private readonly IDevice _device;
    private readonly LogDurability _durability;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _safetyCommits;
    private readonly ILogger _logger;

    private FasterEventLog(FasterLog log, DurableCommitManager commitManager, IDevice device, LogDurability durability, StorageOptions options, TimeProvider time, ILogger logger)
    {
        _log = log;
        _commitManager = commitManager;
        _device = device;
        _durability = durability;
        commitManager.Opened(log.TailAddress);
        _logger = logger;
        _safetyCommits = RunSafetyCommitsAsync(options.SafetyCommitInterval, time, _stopping.Token);
    }

    public long BeginAddress => _log.BeginAddress;

    public long TailAddress => _log.TailAddress;

    public long CommittedUntilAddress => _log.CommittedUntilAddress;

    /// <summary>Opens (and recovers) the log in <paramref name="directory"/>, cutting any bytes past the recovered tail.</summary>
    public static FasterEventLog Open(string directory, StorageOptions options, TimeProvider time, ILogger logger, LogDurability durability = LogDurability.EveryWrite)
    {
        Directory.CreateDirectory(directory);
        if (durability == LogDurability.DurablePoints)
        {
            RollBackToDurablePoint(directory, options, logger);
        }

        var (log, manager, device) = OpenFaster(directory, options, durability);
        // An empty log already reports a tail past its first bytes with no segment file yet: nothing can be missing.
        if (log.TailAddress > log.BeginAddress && IsShorterThanTail(directory, log.TailAddress, options.SegmentSize))
        {
            // FASTER's commit metadata claims more than the files hold (the log lost its end after that metadata was
            // written). Without the metadata, recovery scans forward and stops where the data really ends.
            var claimed = log.TailAddress;
            Close(log, manager, device);
            RemoveDamage(directory, options, badRecordAddress: null);
            (log, manager, device) = OpenFaster(directory, options, durability);
            LogMetadataDropped(logger, claimed, log.TailAddress);
        }

        var cut = BytesPastTail(directory, log.TailAddress, options.SegmentSize);
        if (cut > 0)
        {
            // A torn or rolled-back tail: recovery stopped at the last good commit, but the bytes after it are still in
            // the file, and FASTER would find them again (and move the tail back) at a later open once new records
            // were appended in front of them. Cut them before anything is appended.
            var tail = log.TailAddress;
            Close(log, manager, device);
            CutAfterTail(directory, tail, options.SegmentSize);
            LogTailCut(logger, tail, cut);
            (log, manager, device) = OpenFaster(directory, options, durability);
        }

        if (durability == LogDurability.DurablePoints && !manager.ListCommits().Any())
        {
            try
            {
                MarkFirstDurablePoint(log, manager);
            }
            catch
            {
                Close(log, manager, device);
                throw;
            }
        }

        return new FasterEventLog(log, manager, device, durability, options, time, logger);
    }

    /// <summary>
    /// Makes what the open found (nothing, for a new log; a scanned and fsynced prefix after damage repair removed the
    /// metadata) the log's first durable point, so no later reopen has to trust a forward scan over bytes written
    /// without O_SYNC. A commit with a cookie writes metadata even when there is nothing new to commit.
    /// </summary>
    private static void MarkFirstDurablePoint(FasterLog log, DurableCommitManager manager)
    {
        log.CommitStrongly(out _, out _, spinWait: true, cookie: [1]);
        try
        {
            manager.MakeDurableAsync(log.TailAddress).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        catch (TimeoutException ex)
        {
            throw new StorageFailedException("The log's first durable point was not written within 30 s.", ex);
        }
    }

    /// <summary>
    /// Returns once every record below <paramref name="address"/> is on stable storage and a reopen keeps it: at once for
    /// a log that writes through, else when a metadata file names a committed tail at or past it. Call it after
    /// <see cref="WaitForCommitAsync"/> for the same records.
    /// </summary>
    public async ValueTask MakeDurableAsync(long address, CancellationToken cancellationToken)
    {
        if (_durability == LogDurability.EveryWrite)
        {
            return;
        }

        await _commitManager.MakeDurableAsync(address).WaitAsync(cancellationToken).ConfigureAwait(false);
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
        while (true)
        {
            byte[] entry;
            int length;
            long current, next;
            try
            {
                if (!iterator.GetNext(out entry, out length, out current, out next))
                {
                    yield break;
                }
            }
            catch (FasterException ex)
            {
                throw new LogDamagedException($"The log is damaged after address {iterator.CurrentAddress}.", ex);
            }

            yield return new LogRecord(current, entry.Length == length ? entry : entry[..length], next);
        }
    }

    public IEnumerable<LogRecord> ReadCommitted(LogPosition first, LogPosition last) =>
        ReadCommitted(first.Address, last.Address + EntrySize(last.Length));

    public async ValueTask TruncateUntilAsync(long address, CancellationToken cancellationToken)
    {
        _commitManager.ThrowIfFailed(); // the segments it frees would be gone while the durable metadata still names them
        _log.TruncateUntil(address);
        await _log.CommitAsync(cancellationToken).ConfigureAwait(false); // the new begin address is durable only after a commit
    }

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

            await MakeDurableAsync(_log.CommittedUntilAddress, CancellationToken.None).ConfigureAwait(false); // a clean close replays nothing
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

    /// <summary>
    /// Removes a damaged part of a closed log so the next open recovers to a clean prefix: when
    /// <paramref name="badRecordAddress"/> is known, everything from that record on; in every case FASTER's commit
    /// metadata, so that its recovery scans the whole log forward through the in-log commit records and stops at the
    /// first entry it cannot read (its metadata may point past the damage, and then it never looks there).
    /// </summary>
    /// <remarks>Cutting at the start of the bad record, never at the end of the good one before it, keeps the commit
    /// record that follows (and acknowledges) the last good record.</remarks>
    public static void RemoveDamage(string directory, StorageOptions options, long? badRecordAddress)
    {
        if (badRecordAddress is { } address)
        {
            CutAfterTail(directory, address, options.SegmentSize);
        }

        var commits = Path.Combine(directory, "commits");
        if (Directory.Exists(commits))
        {
            Directory.Delete(commits, recursive: true);
        }
    }

    /// <summary>
    /// Cuts everything after the newest commit metadata, which names a durable prefix (<see cref="DurableCommitManager"/>).
    /// After a power loss the bytes past it may be anything: missing, torn, or stale blocks of deleted files that a
    /// forward scan would take for records. A log without metadata (a first commit never finished, or damage removed it)
    /// is left to FASTER's forward scan.
    /// </summary>
    private static void RollBackToDurablePoint(string directory, StorageOptions options, ILogger logger)
    {
        using var files = NewMetadataFiles(directory);
        if (NewestMetadata(files) is not { } durable)
        {
            SegmentFileDevice.FlushAllToDisk(SegmentBasePath(directory)); // what the scan finds may be only in the page cache
            return;
        }

        if (IsShorterThanTail(directory, durable.UntilAddress, options.SegmentSize))
        {
            return; // the disk lost data the metadata names: Open drops the metadata and scans (zeros here would hide it)
        }

        var past = BytesPastTail(directory, durable.UntilAddress, options.SegmentSize);
        // Always: a later record may also start in the sector that holds the durable tail, where the count does not look.
        CutAfterTail(directory, durable.UntilAddress, options.SegmentSize);
        if (past > 0)
        {
            LogRolledBack(logger, durable.UntilAddress, past);
        }
    }

    /// <summary>The newest metadata file that reads whole, as FASTER's recovery picks it; null when there is none.</summary>
    private static FasterLogRecoveryInfo? NewestMetadata(DeviceLogCommitCheckpointManager files)
    {
        foreach (var commit in files.ListCommits())
        {
            try
            {
                using var reader = new BinaryReader(new MemoryStream(files.GetCommitMetadata(commit)));
                var info = default(FasterLogRecoveryInfo);
                info.Initialize(reader);
                return info;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // torn or unreadable, whatever the reader threw: FASTER's recovery skips it as well (and catches all)
            }
        }

        return null;
    }

    private static DeviceLogCommitCheckpointManager NewMetadataFiles(string directory) => new(
        new LocalStorageNamedDeviceFactory(),
        new DefaultCheckpointNamingScheme(Path.Combine(directory, "commits")),
        removeOutdated: true);

    private static (FasterLog Log, DurableCommitManager Manager, IDevice Device) OpenFaster(string directory, StorageOptions options, LogDurability durability)
    {
        var device = new SegmentFileDevice(SegmentBasePath(directory), writeThrough: durability == LogDurability.EveryWrite);
        var manager = new DurableCommitManager(NewMetadataFiles(directory), device.FlushToDisk, FastCommitThrottle);
        try
        {
            var log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogCommitManager = manager,
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
            return (log, manager, device);
        }
        catch
        {
            manager.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>Closes what <see cref="OpenFaster"/> opened; FasterLog does not dispose a manager or device it was given.</summary>
    private static void Close(FasterLog log, DurableCommitManager manager, IDevice device)
    {
        log.Dispose();
        manager.Dispose();
        device.Dispose();
    }

    private static string SegmentBasePath(string directory) => Path.Combine(directory, "events.log");

    private static string SegmentPath(string directory, long segment) => $"{SegmentBasePath(directory)}.{segment}";

    /// <summary>
    /// How many bytes of data the files hold past the recovered tail. A clean log's data ends at the tail rounded up to
    /// a 512-byte sector, and only zeros follow (the device grows files in zero-filled steps); any non-zero byte after
    /// that, and any later segment, is a torn or rolled-back tail.
    /// </summary>
    private static long BytesPastTail(string directory, long tail, long segmentSize)
    {
        var segment = tail / segmentSize;
        var path = SegmentPath(directory, segment);
        var from = SectorEnd(tail % segmentSize);
        var extra = File.Exists(path) ? Math.Max(0, EndOfNonZeroBytes(path, from) - from) : 0;
        return extra + LaterSegments(directory, segment).Sum(later => new FileInfo(later).Length + 1);
    }

    /// <summary>The offset just past the last non-zero byte at or after <paramref name="from"/> (or <paramref name="from"/>).</summary>
    private static long EndOfNonZeroBytes(string path, long from)
    {
        using var handle = File.OpenHandle(path);
        var buffer = new byte[64 * 1024];
        var end = from;
        for (var offset = from; ;)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                return end;
            }

            var last = buffer.AsSpan(0, read).LastIndexOfAnyExcept((byte)0);
            if (last >= 0)
            {
                end = offset + last + 1;
            }

            offset += read;
        }
    }

    /// <summary>True when the segment that holds the tail ends before it (or is missing while the tail is past its start).</summary>
    private static bool IsShorterThanTail(string directory, long tail, long segmentSize)
    {
        var offset = tail % segmentSize;
        if (offset == 0)
        {
            return false;
        }

        var path = SegmentPath(directory, tail / segmentSize);
        return !File.Exists(path) || new FileInfo(path).Length < offset;
    }

    private static void CutAfterTail(string directory, long tail, long segmentSize)
    {
        var segment = tail / segmentSize;
        var offset = tail % segmentSize;
        var path = SegmentPath(directory, segment);
        if (File.Exists(path))
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            var end = SectorEnd(offset);
            file.Position = offset;
            file.Write(new byte[end - offset]); // zeros: FASTER reads a zero length as "no more records here"
            file.SetLength(end);
            file.Flush(flushToDisk: true);
        }

        foreach (var later in LaterSegments(directory, segment))
        {
            File.Delete(later);
        }
    }

    private static IEnumerable<string> LaterSegments(string directory, long segment) =>
        SegmentFileDevice.SegmentNumbers(SegmentBasePath(directory)).Where(n => n > segment).Select(n => SegmentPath(directory, n));

    private static long SectorEnd(long offset) => (offset + 511) & ~511L;

    private static int Bits(long powerOfTwo) => BitOperations.Log2((ulong)powerOfTwo);

    [LoggerMessage(EventId = LogEvents.LogMetadataDropped, EventName = nameof(LogEvents.LogMetadataDropped), Level = LogLevel.Error,
        Message = "The log files end before address {ClaimedTail}, which FASTER's commit metadata records as committed; recovered by scanning to {TailAddress}")]
    private static partial void LogMetadataDropped(ILogger logger, long claimedTail, long tailAddress);

    [LoggerMessage(EventId = LogEvents.TailCut, EventName = nameof(LogEvents.TailCut), Level = LogLevel.Warning,
        Message = "Recovered the log to address {TailAddress} and cut {Bytes} bytes of torn or uncommitted data after it")]
    private static partial void LogTailCut(ILogger logger, long tailAddress, long bytes);

    [LoggerMessage(EventId = LogEvents.RolledBackToDurablePoint, EventName = nameof(LogEvents.RolledBackToDurablePoint), Level = LogLevel.Information,
        Message = "Rolled the log back to its durable point at address {TailAddress}, cutting {Bytes} bytes after it; the replicated log replays them")]
    private static partial void LogRolledBack(ILogger logger, long tailAddress, long bytes);

    [LoggerMessage(EventId = LogEvents.SafetyCommitFailed, EventName = nameof(LogEvents.SafetyCommitFailed), Level = LogLevel.Error, Message = "The safety commit loop failed")]
    private static partial void LogSafetyCommitFailed(ILogger logger, Exception exception);
}
