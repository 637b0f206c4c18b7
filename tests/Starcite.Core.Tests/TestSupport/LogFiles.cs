using System.Buffers.Binary;
using System.Globalization;

namespace Starcite.Tests.TestSupport;

/// <summary>
/// Reads and damages the FasterLog segment files in <c>&lt;data&gt;/log/events.log.N</c>. Segment N holds log addresses
/// [N * segmentSize, (N + 1) * segmentSize) at file offset address - N * segmentSize. Each entry is a 12-byte header
/// (8-byte per-entry checksum, 4-byte length) and the payload padded to 4 bytes; fast-commit records carry a negative
/// length and a FasterLogRecoveryInfo payload (version, checksum, begin, until, commit number, ...). Entries never
/// cross a page; a page ends in zeros. Zeros follow the last entry to at least the next 512-byte sector boundary, and
/// usually further: the device grows files in zero-filled steps, so a file's length is not where its data ends.
/// </summary>
public static class LogFiles
{
    public const int HeaderSize = 12;

    /// <summary>The address of the first entry in a fresh log.</summary>
    public const long FirstAddress = 64;

    public static string LogDirectory(string dataDirectory) => Path.Combine(dataDirectory, "log");

    /// <summary>Segment files in address order.</summary>
    public static IReadOnlyList<string> Segments(string dataDirectory) =>
        [.. Directory.EnumerateFiles(LogDirectory(dataDirectory), "events.log.*")
            .OrderBy(path => int.Parse(Path.GetExtension(path).AsSpan(1), CultureInfo.InvariantCulture))];

    public static string LastSegment(string dataDirectory) => Segments(dataDirectory)[^1];

    public static int SegmentNumber(string path) => int.Parse(Path.GetExtension(path).AsSpan(1), CultureInfo.InvariantCulture);

    /// <summary>Where a segment file's data ends: just past its last non-zero byte, rounded up to a 512-byte sector.</summary>
    public static long DataLength(string path) => DataLength(File.ReadAllBytes(path));

    private static int DataLength(byte[] bytes) => Math.Min(bytes.Length, (bytes.AsSpan().LastIndexOfAnyExcept((byte)0) + 1 + 511) & ~511);

    /// <summary>
    /// A segment file's bytes up to <see cref="DataLength(string)"/>: what the walk sees as the file, as if it ended there
    /// (an entry that runs past it was torn, even when zeros fill its length).
    /// </summary>
    private static byte[] ReadData(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes[..DataLength(bytes)];
    }

    /// <summary>
    /// Walks every entry from the first address: stops at the first entry that is cut off, has an impossible length or
    /// runs into an unwritten page. Checksums are not verified; callers damage the files knowingly.
    /// </summary>
    public static IReadOnlyList<LogEntry> Entries(string dataDirectory, long pageSize, long segmentSize)
    {
        var entries = new List<LogEntry>();
        var files = Segments(dataDirectory).ToDictionary(SegmentNumber, ReadData);
        var address = FirstAddress;
        while (true)
        {
            var segment = (int)(address / segmentSize);
            if (!files.TryGetValue(segment, out var bytes))
            {
                return entries;
            }

            if (pageSize - (address % pageSize) < HeaderSize)
            {
                address = ((address / pageSize) + 1) * pageSize; // too little room left in the page for an entry
                continue;
            }

            var offset = (int)(address % segmentSize);
            if (offset + HeaderSize > bytes.Length)
            {
                return entries;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 8));
            if (length == 0)
            {
                // Padding at the end of a page: continue on the next page, unless this one was never written.
                if (address % pageSize == 0)
                {
                    return entries;
                }

                address = ((address / pageSize) + 1) * pageSize;
                continue;
            }

            var payload = Math.Abs(length);
            var size = HeaderSize + ((payload + 3) & ~3);
            if (offset + size > bytes.Length || (address % pageSize) + size > pageSize)
            {
                return entries;
            }

            var content = bytes.AsSpan(offset + HeaderSize, payload).ToArray();
            entries.Add(new LogEntry(address, size, length < 0, content, SegmentNumber: segment, FileOffset: offset));
            address += size;
        }
    }

    /// <summary>Cuts <paramref name="bytes"/> off the end of <paramref name="path"/>.</summary>
    public static void TruncateBy(string path, long bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(file.Length - bytes);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Cuts <paramref name="path"/> to <paramref name="length"/> bytes.</summary>
    public static void TruncateTo(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Overwrites [<paramref name="offset"/>, offset + count) with seeded random bytes.</summary>
    public static void Scribble(string path, long offset, int count, int seed)
    {
        var garbage = new byte[count];
        new Random(seed).NextBytes(garbage);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(garbage);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Damages the tail of the log; returns the first log address whose bytes were changed or removed. Damage aimed at
    /// a record lands in the segment file holding it; a cut there also drops any later (nearly empty) segment file.
    /// </summary>
    public static long Damage(LogDamage damage, string dataDirectory, long segmentSize, IReadOnlyList<LogEntry> entries)
    {
        var lastEntry = entries[^1];
        Assert.True(lastEntry.IsCommit, "The log does not end in a commit record.");
        var lastEvent = entries.Last(e => !e.IsCommit);
        var lastFile = LastSegment(dataDirectory);
        var lastFileBase = SegmentNumber(lastFile) * segmentSize;
        var lastFileDataLength = DataLength(lastFile);
        switch (damage)
        {
            case LogDamage.CutFewBytes:
                return Cut(lastFileBase + lastFileDataLength - 3);
            case LogDamage.CutLastByteOfLastCommit:
                return Cut(lastEntry.End - 1);
            case LogDamage.CutOneRecordWorth:
                return Cut(lastEntry.End - lastEvent.Size);
            case LogDamage.CutMiddleOfLastEvent:
                return Cut(lastEvent.Address + (lastEvent.Size / 2));
            case LogDamage.GarbageOverLastEvent:
                foreach (var entry in entries.Where(e => e.Address >= lastEvent.Address))
                {
                    Scribble(SegmentPath(dataDirectory, entry.SegmentNumber), entry.FileOffset, entry.Size, seed: 42);
                }

                return lastEvent.Address;
            case LogDamage.GarbageOverLastSector:
                Scribble(lastFile, lastFileDataLength - 512, 512, seed: 43);
                return lastFileBase + lastFileDataLength - 512;
            case LogDamage.EmptyLastSegment:
                TruncateTo(lastFile, 0);
                return lastFileBase;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }

        long Cut(long address)
        {
            var segment = (int)(address / segmentSize);
            foreach (var later in Segments(dataDirectory).Where(path => SegmentNumber(path) > segment))
            {
                File.Delete(later);
            }

            TruncateTo(SegmentPath(dataDirectory, segment), address - (segment * segmentSize));
            return address;
        }
    }

    public static string SegmentPath(string dataDirectory, int segment) =>
        Path.Combine(LogDirectory(dataDirectory), $"events.log.{segment.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The address the newest commit metadata file (<c>log/commits/log-commits/commit.N.0</c>) declares committed, or
    /// 0 without one. FasterLog writes it only every 1,000 commits (fast-commit mode) and recovers by trusting it, then
    /// scanning forward for later commit records.
    /// </summary>
    public static long MetadataUntilAddress(string dataDirectory)
    {
        var directory = Path.Combine(LogDirectory(dataDirectory), "commits", "log-commits");
        var newest = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "commit.*").MaxBy(path => long.Parse(path.Split('.')[^2], CultureInfo.InvariantCulture))
            : null;

        // Layout: length, version, checksum, begin address, until address, commit number, ...
        return newest is null ? 0 : BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(newest).AsSpan(4 + 4 + 8 + 8));
    }

    /// <summary>
    /// The number of Starcite records (not commit records) at or after <paramref name="fromAddress"/> that the last
    /// commit record in the files covers: what a recovery that starts at that address must replay.
    /// </summary>
    public static int CommittedRecordsFrom(IReadOnlyList<LogEntry> entries, long fromAddress)
    {
        var until = entries.Last(e => e.IsCommit).CommitUntilAddress;
        return entries.Count(e => !e.IsCommit && e.Address >= fromAddress && e.Address < until);
    }

    /// <summary>The log address the newest session snapshot (<c>checkpoints/sessions.{address:x16}.snap</c>) covers, or 0.</summary>
    public static long SnapshotCoveredAddress(string dataDirectory)
    {
        var directory = Path.Combine(dataDirectory, "checkpoints");
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "sessions.*.snap")
                .Select(path => long.Parse(Path.GetFileName(path).Split('.')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
                .DefaultIfEmpty(0)
                .Max()
            : 0;
    }

    /// <summary>A one-line listing of the log directory, for test output (sizes, sector padding).</summary>
    public static string Describe(string dataDirectory) =>
        string.Join("; ", Directory.EnumerateFiles(LogDirectory(dataDirectory), "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => $"{Path.GetRelativePath(LogDirectory(dataDirectory), path)} {new FileInfo(path).Length} B"));
}
