namespace Starcite.Archive.PostgreSql.Schema;

/// <summary>
/// The schema, as an ordered list of migrations. Each runs once, in the transaction that records it in the
/// schema_version table. Append new migrations at the end; never edit a released one.
/// </summary>
internal static class Migrations
{
    /// <summary>The schema version this code writes and reads.</summary>
    public static int Latest => All.Count;

    /// <summary>Migration <c>n</c> (1-based) takes the schema from version <c>n - 1</c> to <c>n</c>.</summary>
    public static IReadOnlyList<Func<ArchiveTables, string>> All { get; } =
    [
        // 1: events and session records. JSON is bytea so it comes back byte-exact (json/jsonb would parse it and
        // reject escapes the engine accepts); "escaped" flags text columns stored as JSON string literals because
        // they contain U+0000, which PostgreSQL text cannot hold. Ids use the "C" collation: ordinal order.
        t => $"""
            CREATE TABLE {t.Events} (
                session_id      text COLLATE "C" NOT NULL,
                seq             bigint NOT NULL CHECK (seq >= 1),
                type            text NOT NULL,
                payload         bytea NOT NULL,
                actor           text NOT NULL,
                producer_id     text NOT NULL,
                producer_seq    bigint NOT NULL,
                source          text,
                metadata        bytea NOT NULL,
                refs            bytea NOT NULL,
                idempotency_key text,
                inserted_at     timestamptz NOT NULL,
                escaped         smallint,
                PRIMARY KEY (session_id, seq)
            );
            CREATE TABLE {t.Sessions} (
                session_id        text COLLATE "C" PRIMARY KEY,
                title             text,
                metadata          bytea NOT NULL,
                creator_tenant_id text,
                creator_id        text,
                creator_type      text CHECK (creator_type IN ('user', 'agent')),
                last_seq          bigint NOT NULL,
                archived_seq      bigint NOT NULL,
                created_at        timestamptz NOT NULL,
                updated_at        timestamptz NOT NULL,
                escaped           smallint
            );
            """,
    ];
}
