using System.Numerics;
using Microsoft.Extensions.Options;

using Starcite.Replication;

namespace Starcite;

/// <summary>Validates <see cref="StarciteOptions"/>: DataAnnotations through the source generator, cross-field rules by hand.</summary>
[OptionsValidator]
public sealed partial class StarciteOptionsValidator : IValidateOptions<StarciteOptions>
{
    /// <summary>Validates the options and throws <see cref="OptionsValidationException"/> listing every failure.</summary>
    /// <exception cref="OptionsValidationException">Some option is invalid.</exception>
    public static void ThrowIfInvalid(StarciteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new StarciteOptionsValidator().Validate(Options.DefaultName, options);
        var failures = new List<string>(result.Failed ? result.Failures : []);
        failures.AddRange(CrossFieldFailures(options));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(StarciteOptions), failures);
        }
    }

    private static IEnumerable<string> CrossFieldFailures(StarciteOptions options)
    {
        var storage = options.Storage;
        foreach (var (name, value) in new[]
                 {
                     ("Storage.PageSize", storage.PageSize), ("Storage.MemorySize", storage.MemorySize),
                     ("Storage.SegmentSize", storage.SegmentSize), ("Storage.IndexMemorySize", storage.IndexMemorySize),
                     ("Storage.IndexBuckets", storage.IndexBuckets),
                 })
        {
            if (value <= 0 || !BitOperations.IsPow2(value))
            {
                yield return $"{name} must be a power of two, got {value}.";
            }
        }

        if (storage.MemorySize < 2 * storage.PageSize)
        {
            yield return $"Storage.MemorySize ({storage.MemorySize}) must hold at least two pages of Storage.PageSize ({storage.PageSize}).";
        }

        if (storage.SegmentSize < storage.PageSize)
        {
            yield return $"Storage.SegmentSize ({storage.SegmentSize}) must be at least Storage.PageSize ({storage.PageSize}).";
        }

        foreach (var failure in ClusterFailures(options.Cluster))
        {
            yield return failure;
        }

        if (!string.IsNullOrWhiteSpace(options.Archive.EventStoreMaxSize) && !Archive.ByteSize.TryParse(options.Archive.EventStoreMaxSize, out _))
        {
            yield return $"Archive.EventStoreMaxSize ('{options.Archive.EventStoreMaxSize}') must be a size such as 2GB, 512MB or 1048576B.";
        }

        if (options.MaxEventBytes > storage.PageSize / 2)
        {
            yield return $"MaxEventBytes ({options.MaxEventBytes}) must be at most half of Storage.PageSize ({storage.PageSize}): an event must fit in one log page.";
        }
    }

    private static IEnumerable<string> ClusterFailures(ClusterOptions cluster)
    {
        if (!cluster.IsEnabled)
        {
            yield break;
        }

        var members = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in cluster.Members)
        {
            if (!Replication.ClusterEndPoints.TryParse(member, out _))
            {
                yield return $"Cluster.Members: '{member}' is not a host:port endpoint.";
            }
            else if (!members.Add(member.Trim()))
            {
                yield return $"Cluster.Members lists '{member}' twice.";
            }
        }

        if (string.IsNullOrWhiteSpace(cluster.Self))
        {
            yield return "Cluster.Self is required with Cluster.Members: this node's own Raft endpoint.";
        }
        else if (!members.Contains(cluster.Self.Trim()))
        {
            yield return $"Cluster.Self ('{cluster.Self}') must be one of Cluster.Members.";
        }

        if (cluster.ClientUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            yield return $"Cluster.ClientUrl ('{url}') must be an absolute URL.";
        }

        if (cluster.RequestTimeout.TotalMilliseconds >= cluster.LowerElectionTimeoutMilliseconds)
        {
            yield return $"Cluster.RequestTimeout ({cluster.RequestTimeout.TotalMilliseconds} ms) must be below Cluster.LowerElectionTimeoutMilliseconds ({cluster.LowerElectionTimeoutMilliseconds}).";
        }

        if (cluster.LowerElectionTimeoutMilliseconds >= cluster.UpperElectionTimeoutMilliseconds)
        {
            yield return $"Cluster.LowerElectionTimeoutMilliseconds ({cluster.LowerElectionTimeoutMilliseconds}) must be below Cluster.UpperElectionTimeoutMilliseconds ({cluster.UpperElectionTimeoutMilliseconds}).";
        }
    }
}
