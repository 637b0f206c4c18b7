namespace Starcite.Sessions;

/// <summary>A session's archive progress: the highest archived seq, and the bytes of its event records in all and archived.</summary>
/// <param name="ArchivedSeq">Every event up to this seq is in the archive (0: none).</param>
/// <param name="TotalBytes">The bytes of every event record the session has.</param>
/// <param name="ArchivedBytes">The bytes of those up to <paramref name="ArchivedSeq"/>.</param>
internal readonly record struct ArchiveProgress(long ArchivedSeq, long TotalBytes, long ArchivedBytes)
{
    public static readonly ArchiveProgress None = new(0, 0, 0);

    /// <summary>Data the archive does not hold yet: what the hot-storage limit counts.</summary>
    public long UnarchivedBytes => TotalBytes - ArchivedBytes;
}
