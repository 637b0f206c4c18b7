namespace Starcite.Server.Archive;

/// <summary>Where the server archives committed history (contract §5): <c>STARCITE_ARCHIVE_ADAPTER</c>.</summary>
internal enum ArchiveAdapter
{
    /// <summary>No archive: history stays on local storage, and no hot-storage limit applies.</summary>
    None,

    /// <summary>S3-compatible object storage (<c>STARCITE_S3_*</c>).</summary>
    S3,

    /// <summary>PostgreSQL (<c>DATABASE_URL</c> or <c>STARCITE_POSTGRES_URL</c>).</summary>
    Postgres,
}
