using Starcite.Archive.PostgreSql;
using Starcite.Archive.S3;

namespace Starcite.Server.Archive;

/// <summary>
/// The server's choice of archive adapter and the adapters' settings, in section <c>Starcite:Archive</c> next to the
/// engine's own archive options (flush interval, hot limit, retention): <c>Adapter</c>, <c>S3:*</c>, <c>Postgres:*</c>.
/// </summary>
internal sealed class ArchiveServerOptions
{
    public const string SectionName = "Starcite:Archive";

    /// <summary><c>none</c> (default), <c>s3</c> or <c>postgres</c>; case-insensitive.</summary>
    public string Adapter { get; set; } = "none";

    public S3ArchiveOptions S3 { get; set; } = new();

    public PostgreSqlArchiveOptions Postgres { get; set; } = new();

    /// <summary>The adapter named by <see cref="Adapter"/>.</summary>
    /// <exception cref="InvalidOperationException">It names none of the adapters.</exception>
    public ArchiveAdapter ParseAdapter() => Adapter.Trim().ToLowerInvariant() switch
    {
        "" or "none" => ArchiveAdapter.None,
        "s3" => ArchiveAdapter.S3,
        "postgres" or "postgresql" => ArchiveAdapter.Postgres,
        _ => throw new InvalidOperationException(
            $"STARCITE_ARCHIVE_ADAPTER (Starcite:Archive:Adapter) is '{Adapter}'; it must be none, s3 or postgres."),
    };
}
