using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Starcite.Replication;
using Starcite.Storage;
using Starcite.Tailing;

namespace Starcite;

/// <summary>Options of a <see cref="StarciteEngine"/>. Bound from the <c>Starcite</c> configuration section by the hosting package.</summary>
public sealed class StarciteOptions
{
    /// <summary>The default data directory, relative to the working directory.</summary>
    public const string DefaultDataDirectory = "data";

    /// <summary>The default largest encoded event (1 MiB).</summary>
    public const int DefaultMaxEventBytes = 1 << 20;

    /// <summary>Where the engine keeps its log, index and checkpoints. One engine per directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>The largest event, counting its JSON fields and strings, in bytes.</summary>
    [Range(1024, 64 << 20)]
    public int MaxEventBytes { get; set; } = DefaultMaxEventBytes;

    /// <summary>Local storage settings.</summary>
    [ValidateObjectMembers]
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Tail and read settings.</summary>
    [ValidateObjectMembers]
    public TailOptions Tail { get; set; } = new();

    /// <summary>Raft cluster settings; none (the default) runs the engine on its local log alone.</summary>
    [ValidateObjectMembers]
    public ClusterOptions Cluster { get; set; } = new();
}
