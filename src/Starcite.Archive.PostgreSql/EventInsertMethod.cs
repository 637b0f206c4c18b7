namespace Starcite.Archive.PostgreSql;

/// <summary>How a write sends its events. Both end in <c>INSERT ... ON CONFLICT DO NOTHING</c> inside the write's transaction.</summary>
internal enum EventInsertMethod
{
    /// <summary>One <c>INSERT ... SELECT FROM unnest(array parameters)</c> per statement-sized slice (the default: see docs/benchmarks.md).</summary>
    Unnest,

    /// <summary>Binary COPY into a temporary table, then one <c>INSERT ... SELECT</c> from it.</summary>
    Copy,
}
