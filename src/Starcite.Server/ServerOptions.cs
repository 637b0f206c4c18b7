namespace Starcite.Server;

/// <summary>HTTP-level settings (section <c>Starcite:Server</c>).</summary>
public sealed class ServerOptions
{
    /// <summary>Default request body limit: 1 MiB.</summary>
    public const long DefaultMaxBodyBytes = 1 << 20;

    /// <summary>The largest request body; larger ones get 413 <c>payload_too_large</c>.</summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}
