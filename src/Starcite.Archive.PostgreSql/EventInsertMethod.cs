namespace Starcite.Archive.PostgreSql;

/// <summary>How a write sends its events. Both end in <c>INSERT ... ON CONFLICT DO NOTHING</c> inside the write's transaction.</summary>
internal enum EventInsertMethod
{
    /// <summary>Binary COPY straight into the events table when none of the batch is stored yet, else through a
    /// temporary table and <c>INSERT ... SELECT ON CONFLICT DO NOTHING</c> (the default; docs/benchmarks.md).</summary>
    Copy,

    /// <summary>Always through the temporary table; kept to measure the direct COPY against.</summary>
    CopyStaged,

    /// <summary>One <c>INSERT ... SELECT FROM unnest(array parameters)</c> per slice of events.</summary>
    Unnest,
}
