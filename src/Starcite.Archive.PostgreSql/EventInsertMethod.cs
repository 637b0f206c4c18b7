namespace Starcite.Archive.PostgreSql;

/// <summary>How a write sends its events. Both end in <c>INSERT ... ON CONFLICT DO NOTHING</c> inside the write's transaction.</summary>
internal enum EventInsertMethod
{
    /// <summary>Binary COPY into a temporary table, then one <c>INSERT ... SELECT</c> from it (the default: about twice
    /// the events per second of unnest, docs/benchmarks.md).</summary>
    Copy,

    /// <summary>One <c>INSERT ... SELECT FROM unnest(array parameters)</c> per slice of events.</summary>
    Unnest,
}
