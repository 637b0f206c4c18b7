namespace Starcite.Benchmarks.Peers;

/// <summary>
/// One system under test (Starcite in process or over HTTP, Redis Streams, NATS JetStream, PostgreSQL): where it runs,
/// how durable its acknowledgement is, and a way to open clients. Every workload runs unchanged on every system.
/// </summary>
public interface IPeerSystem : IAsyncDisposable
{
    /// <summary>The row label in the report, e.g. <c>Redis Streams (appendfsync always)</c>.</summary>
    string Name { get; }

    /// <summary>What an acknowledgement promises: <see cref="Durability"/>.</summary>
    Durability Durability { get; }

    /// <summary>
    /// Opens one client with the system's usual .NET client and its default connection handling (a multiplexer, a
    /// pool, an engine). Writers share one client; each live subscriber of the fan-out workload gets its own.
    /// </summary>
    Task<IPeerClient> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>The exact server version and the settings that decide durability, for the report.</summary>
    Task<string> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>Memory (proportional set size of every server process) and disk (bytes allocated under the data directory); null when the system runs in this process.</summary>
    ResourceUsage? MeasureResources();

    /// <summary>The server's processes (all of them, for PostgreSQL), for CPU accounting; empty when it runs in this process.</summary>
    IReadOnlyList<int> ServerProcessIds();
}

/// <summary>The durability class of an acknowledgement; rows are compared within one class.</summary>
public enum Durability
{
    /// <summary>The event is on stable storage (fsync or O_SYNC) before the append is acknowledged.</summary>
    FsyncBeforeAck,

    /// <summary>Written to the OS and fsynced by a background task about once a second: a machine crash loses up to a second.</summary>
    FsyncEverySecond,

    /// <summary>Acknowledged once in the server's memory or page cache; fsynced later, on the server's own schedule.</summary>
    AckBeforeFsync,
}

/// <summary>Server memory and disk, in bytes.</summary>
public readonly record struct ResourceUsage(long MemoryBytes, long DiskBytes);

/// <summary>Labels for the report.</summary>
public static class DurabilityLabels
{
    /// <summary>The wording used in every table.</summary>
    public static string Label(this Durability durability) => durability switch
    {
        Durability.FsyncBeforeAck => "fsync before ack",
        Durability.FsyncEverySecond => "fsync every second",
        _ => "ack before fsync",
    };
}
