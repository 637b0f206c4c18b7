using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace Starcite.Storage.Faster;

/// <summary>
/// FASTER's log device for one directory of segment files (<c>events.log.0</c>, <c>events.log.1</c>, ...): positional
/// writes, O_SYNC unless the log's durability comes from elsewhere (<see cref="LogDurability"/>), and files that grow in
/// zero-filled steps ahead of the data.
/// </summary>
/// <remarks>
/// <para>
/// Why the steps: an O_SYNC write that extends a file must also make the file's new size durable (on ext4 without a
/// journal, as on the VM we measure on, a second device write; with one, a journal commit); a write inside the file's
/// existing size is one device write.
/// So a write that reaches past the zero-filled end carries zeros up to the next <see cref="GrowthStep"/> boundary in
/// the same system call, and the commits that follow land inside the file until the next step. (PostgreSQL zero-fills
/// its WAL segments for the same reason.) Zeros are what FASTER reads as "no more entries", so a reader or a recovery
/// scan stops at the data's end exactly as at the end of a file; the log's open treats only non-zero bytes after the
/// recovered tail as torn.
/// </para>
/// <para>
/// Writes run on the thread pool, one hop where FASTER's managed device takes two. Writing on the calling thread
/// instead was slower: FASTER issues a flush from inside the enqueue, under the appending session's lock.
/// </para>
/// <para>
/// One handle per segment serves reads and writes: positional I/O shares no file offset.
/// </para>
/// </remarks>
internal sealed class SegmentFileDevice : StorageDeviceBase
{
    /// <summary>How far a segment file grows past its data at a time.</summary>
    public const int GrowthStep = 256 * 1024;

    private const uint SectorBytes = 512; // what FASTER assumes for any Linux file
    private const uint IoFailed = uint.MaxValue; // FASTER treats any non-zero code as a failed I/O

    private readonly ConcurrentDictionary<int, SegmentFile> _segments = new();
    private readonly Lock _opening = new(); // one handle per segment, and none opened after Dispose
    private readonly bool _writeThrough;
    private bool _disposed;

    /// <param name="basePath">The segment files' common path; segment n is <c>{basePath}.{n}</c>.</param>
    /// <param name="writeThrough">True: each write is on stable storage when it completes (O_SYNC). False: writes land in
    /// the page cache and reach the disk at <see cref="FlushToDisk"/>.</param>
    public SegmentFileDevice(string basePath, bool writeThrough = true)
        : base(basePath, SectorBytes, Devices.CAPACITY_UNSPECIFIED)
    {
        _writeThrough = writeThrough;
        (startSegment, endSegment) = ExistingSegments(basePath);
    }

    /// <summary>Puts every completed write on stable storage (an fsync of each open segment); nothing to do when the
    /// device writes through.</summary>
    /// <remarks>On ext4, the fsync of a new file also makes its directory entry durable.</remarks>
    public void FlushToDisk()
    {
        if (_writeThrough)
        {
            return;
        }

        foreach (var file in _segments.Values)
        {
            try
            {
                RandomAccess.FlushToDisk(file.Handle);
            }
            catch (ObjectDisposedException)
            {
                // Removed meanwhile: truncation dropped the segment, so nothing in it needs keeping.
            }
        }
    }

    /// <summary>Puts every segment file under <paramref name="basePath"/> on stable storage, open or not (before a log
    /// opens: what a killed process left in the page cache).</summary>
    public static void FlushAllToDisk(string basePath)
    {
        foreach (var segment in SegmentNumbers(basePath))
        {
            using var handle = File.OpenHandle($"{basePath}.{segment}", FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context) =>
        OnPool(() =>
        {
            Write(Segment(segmentId), Span(sourceAddress, numBytesToWrite), (long)destinationAddress);
            return numBytesToWrite;
        }, callback, context);

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
        OnPool(() => (uint)RandomAccess.Read(Segment(segmentId).Handle, Span(destinationAddress, readLength), (long)sourceAddress), callback, context);

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        RemoveSegment(segment);
        callback(result);
    }

    public override void RemoveSegment(int segment)
    {
        if (_segments.TryRemove(segment, out var file))
        {
            file.Handle.Dispose(); // a read still using it holds a reference: the descriptor closes after that read
        }

        File.Delete(GetSegmentFilename(FileName, segment));
    }

    public override void Dispose()
    {
        lock (_opening)
        {
            _disposed = true;
            foreach (var file in _segments.Values)
            {
                file.Handle.Dispose();
            }

            _segments.Clear();
        }
    }

    /// <summary>
    /// Runs one I/O on a pool thread and reports it to FASTER: the bytes it moved, or a failure. Any exception, even a
    /// bug, becomes a failed I/O (FASTER fails the commit or the read, and the engine stops writing), where an exception
    /// escaping a pool thread would end the process.
    /// </summary>
    private static void OnPool(Func<uint> io, DeviceIOCompletionCallback callback, object context) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static work =>
            {
                uint error = 0, bytes = 0;
                try
                {
                    bytes = work.io();
                }
                catch (Exception)
                {
                    error = IoFailed;
                }

                work.callback(error, bytes, work.context);
            },
            (io, callback, context),
            preferLocal: false);

    private void Write(SegmentFile file, ReadOnlySpan<byte> data, long offset)
    {
        var end = offset + data.Length;
        if (end <= Volatile.Read(ref file.FilledUntil))
        {
            RandomAccess.Write(file.Handle, data, offset);
            return;
        }

        // Growing is serialised, and a write below the filled end never takes this path, so the zeros written here
        // cannot land on data another write put past the old end.
        lock (file.Growing)
        {
            if (end <= file.FilledUntil)
            {
                RandomAccess.Write(file.Handle, data, offset);
                return;
            }

            var grownTo = (end + GrowthStep - 1) / GrowthStep * GrowthStep;
            if (segmentSize > 0)
            {
                grownTo = Math.Min(grownTo, segmentSize);
            }

            var length = checked((int)(grownTo - offset));
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                data.CopyTo(buffer);
                buffer.AsSpan(data.Length, length - data.Length).Clear();
                RandomAccess.Write(file.Handle, buffer.AsSpan(0, length), offset);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            Volatile.Write(ref file.FilledUntil, grownTo);
        }
    }

    private SegmentFile Segment(int segmentId)
    {
        if (_segments.TryGetValue(segmentId, out var file))
        {
            return file;
        }

        lock (_opening)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_segments.TryGetValue(segmentId, out file))
            {
                // WriteThrough is O_SYNC on Linux: a write returns once its bytes (and the file's size) are on stable
                // storage.
                var handle = File.OpenHandle(GetSegmentFilename(FileName, segmentId), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite,
                    _writeThrough ? FileOptions.WriteThrough : FileOptions.None);
                file = new SegmentFile(handle, RandomAccess.GetLength(handle));
                _segments[segmentId] = file;
            }

            return file;
        }
    }

    private static unsafe Span<byte> Span(IntPtr address, uint length) => new((void*)address, checked((int)length));

    /// <summary>The numbers of the segment files on disk: <c>{basePath}.{n}</c> for each n.</summary>
    public static IEnumerable<int> SegmentNumbers(string basePath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(basePath))!;
        var prefix = Path.GetFileName(basePath) + ".";
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, prefix + "*")
                .Select(path => int.TryParse(Path.GetFileName(path).AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
                .Where(n => n >= 0)
            : [];
    }

    /// <summary>
    /// The segments on disk as FASTER's recovery expects them: the last run of consecutive numbers ((0, -1) when there
    /// are none). Truncation removes segments from the front, so there is normally one run.
    /// </summary>
    private static (int First, int Last) ExistingSegments(string basePath)
    {
        var numbers = SegmentNumbers(basePath).ToHashSet();
        if (numbers.Count == 0)
        {
            return (0, -1);
        }

        var last = numbers.Max();
        var first = last;
        while (numbers.Contains(first - 1))
        {
            first--;
        }

        return (first, last);
    }

    /// <summary>One segment file: its handle, and the end of the bytes written to it (data, then zeros).</summary>
    private sealed class SegmentFile(SafeFileHandle handle, long length)
    {
        public readonly SafeFileHandle Handle = handle;
        public readonly Lock Growing = new();
        public long FilledUntil = length;
    }
}
