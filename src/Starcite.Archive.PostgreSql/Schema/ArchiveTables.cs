namespace Starcite.Archive.PostgreSql.Schema;

/// <summary>The quoted, schema-qualified names of the archive tables (options validation keeps them plain identifiers).</summary>
internal sealed class ArchiveTables(string schema, string tablePrefix)
{
    public string Schema { get; } = schema;

    public string QuotedSchema { get; } = Quote(schema);

    /// <summary>One row per (session, seq); primary key (session_id, seq).</summary>
    public string Events { get; } = $"{Quote(schema)}.{Quote(tablePrefix + "events")}";

    /// <summary>One row per session: the record as last written.</summary>
    public string Sessions { get; } = $"{Quote(schema)}.{Quote(tablePrefix + "sessions")}";

    /// <summary>One row per applied migration.</summary>
    public string SchemaVersion { get; } = $"{Quote(schema)}.{Quote(tablePrefix + "schema_version")}";

    /// <summary>Names this archive for the migration lock, so archives in other schemas migrate independently.</summary>
    public string LockName { get; } = $"starcite-archive:{schema}.{tablePrefix}";

    private static string Quote(string identifier) => '"' + identifier + '"';
}
