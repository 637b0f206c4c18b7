using System.ComponentModel.DataAnnotations;

namespace Starcite.Archive.PostgreSql;

/// <summary>Options of a <see cref="PostgreSqlArchiveStore"/>. Validated by <see cref="PostgreSqlArchiveOptionsValidator"/>.</summary>
public sealed class PostgreSqlArchiveOptions
{
    /// <summary>The default schema of the archive tables.</summary>
    public const string DefaultSchema = "starcite";

    /// <summary>The default prefix of the archive table names: <c>archive_events</c>, <c>archive_sessions</c>, ...</summary>
    public const string DefaultTablePrefix = "archive_";

    /// <summary>
    /// An Npgsql connection string, for example <c>Host=db;Username=starcite;Password=...;Database=starcite</c>.
    /// Timeouts come from it too (Npgsql defaults: <c>Timeout=15</c> s to connect, <c>Command Timeout=30</c> s).
    /// </summary>
    [Required(ErrorMessage = "ConnectionString is required: an Npgsql connection string such as 'Host=db;Username=starcite;Password=...;Database=starcite'.")]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema holding the archive tables; created when missing. A lower-case identifier.</summary>
    [Required(ErrorMessage = "Schema is required.")]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$",
        ErrorMessage = "Schema must be a lower-case PostgreSQL identifier: 1-63 characters from a-z, 0-9 and _, not starting with a digit.")]
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>Prepended to every archive table name, so several archives can share a schema. May be empty.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,39}$|^$",
        ErrorMessage = "TablePrefix must be empty or 1-40 characters from a-z, 0-9 and _, not starting with a digit.")]
    public string TablePrefix { get; set; } = DefaultTablePrefix;

    /// <summary>How events are sent; not public: binary COPY measured faster (docs/benchmarks.md), unnest stays for comparison.</summary>
    internal EventInsertMethod InsertMethod { get; set; } = EventInsertMethod.Copy;
}
