using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Starcite.Sessions;
using Starcite.Storage.Codec;

namespace Starcite.Storage.Checkpoints;

/// <summary>
/// Writes and reads <see cref="SessionSnapshot"/> files: <c>sessions.{address:x16}.snap</c>, written to a temporary
/// name, fsynced, then renamed, so a file with the final name is always whole. A trailing CRC-32 guards the content.
/// </summary>
/// <remarks>
/// Layout: magic <c>STSS</c>, version, covered address, (version 2:) applied Raft index and term, session count; per session: the SessionCreated record bytes
/// (length-prefixed), last seq, updated_at, producer count; per producer: id, number, first producer_seq, last
/// producer_seq, last seq, last address; then the CRC-32 of everything before it.
/// </remarks>
internal static class SessionSnapshotFile
{
    private const byte Version = 2;
    private const byte VersionWithoutAppliedPosition = 1;
    private const string Prefix = "sessions.";
    private const string Suffix = ".snap";
    private static readonly byte[] Magic = "STSS"u8.ToArray();

    public static async Task WriteAsync(string directory, SessionSnapshot snapshot, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var bytes = Encode(snapshot);
        var final = Path.Combine(directory, $"{Prefix}{snapshot.CoveredAddress:x16}{Suffix}");
        var temporary = final + ".tmp";
        var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, final, overwrite: true);
        FsyncDirectory(directory);
        foreach (var older in Directory.EnumerateFiles(directory, Prefix + "*").Where(path => path != final))
        {
            File.Delete(older);
        }
    }

    /// <summary>Deletes every snapshot, so the next recovery replays the whole log.</summary>
    public static void DeleteAll(string directory)
    {
        if (Directory.Exists(directory))
        {
            foreach (var path in Directory.EnumerateFiles(directory, Prefix + "*"))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>The newest readable snapshot, or null when there is none. Unreadable files are reported to <paramref name="ignored"/>.</summary>
    public static SessionSnapshot? ReadLatest(string directory, Action<string, Exception> ignored)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        foreach (var path in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix).OrderDescending(StringComparer.Ordinal))
        {
            try
            {
                return Decode(File.ReadAllBytes(path));
            }
            catch (Exception ex) when (ex is CorruptRecordException or IOException or InvalidOperationException)
            {
                ignored(path, ex);
            }
        }

        return null;
    }

    internal static byte[] Encode(SessionSnapshot snapshot)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(snapshot.CoveredAddress);
            writer.Write(snapshot.Applied.Index);
            writer.Write(snapshot.Applied.Term);
            writer.Write(snapshot.Sessions.Count);
            foreach (var session in snapshot.Sessions)
            {
                var header = new byte[RecordCodec.SizeOf(session.Header)];
                RecordCodec.Write(session.Header, header);
                writer.Write(header.Length);
                writer.Write(header);
                writer.Write(session.LastSeq);
                writer.Write(session.UpdatedAtMicros);
                writer.Write(session.Producers.Count);
                foreach (var (id, producer) in session.Producers)
                {
                    writer.Write(id);
                    writer.Write(producer.Number);
                    writer.Write(producer.FirstProducerSeq);
                    writer.Write(producer.LastProducerSeq);
                    writer.Write(producer.LastSeq);
                    writer.Write(producer.LastAddress);
                }
            }
        }

        var crc = Crc32.HashToUInt32(stream.GetBuffer().AsSpan(0, (int)stream.Length));
        Span<byte> trailer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        stream.Write(trailer);
        return stream.ToArray();
    }

    internal static SessionSnapshot Decode(byte[] bytes)
    {
        if (bytes.Length < Magic.Length + 1 + sizeof(long) + sizeof(int) + sizeof(uint)
            || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CorruptRecordException("Not a session snapshot.");
        }

        var body = bytes.AsSpan(0, bytes.Length - sizeof(uint));
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(body.Length)))
        {
            throw new CorruptRecordException("Session snapshot checksum mismatch.");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadByte();
        if (version is not (Version or VersionWithoutAppliedPosition))
        {
            throw new CorruptRecordException($"Unknown session snapshot version {version}.");
        }

        var covered = reader.ReadInt64();
        var applied = version == Version ? new AppliedPosition(reader.ReadInt64(), reader.ReadInt64()) : AppliedPosition.None;
        var sessions = new SessionState[reader.ReadInt32()];
        for (var i = 0; i < sessions.Length; i++)
        {
            var header = RecordCodec.ReadSessionCreated(reader.ReadBytes(reader.ReadInt32()));
            var lastSeq = reader.ReadInt64();
            var updatedAt = reader.ReadInt64();
            var producers = new Dictionary<string, ProducerState>(StringComparer.Ordinal);
            for (var count = reader.ReadInt32(); count > 0; count--)
            {
                var id = reader.ReadString();
                producers.Add(id, new ProducerState(reader.ReadInt32(), reader.ReadInt64())
                {
                    LastProducerSeq = reader.ReadInt64(),
                    LastSeq = reader.ReadInt64(),
                    LastAddress = reader.ReadInt64(),
                });
            }

            sessions[i] = new SessionState(header, lastSeq, updatedAt, producers);
        }

        return new SessionSnapshot(covered, sessions, applied);
    }

    private static void FsyncDirectory(string directory)
    {
        // A rename is durable only once its directory is; .NET has no API for it, but opening the directory and
        // flushing works on Linux. Elsewhere the rename is still atomic, just not yet durable.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            using var handle = File.OpenHandle(directory, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // Some file systems refuse to open directories; the rename stays atomic.
        }
    }
}
