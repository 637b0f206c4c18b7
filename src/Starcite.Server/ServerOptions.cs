using System.ComponentModel.DataAnnotations;

namespace Starcite.Server;

/// <summary>HTTP-level settings (section <c>Starcite:Server</c>).</summary>
public sealed class ServerOptions
{
    /// <summary>Default request body limit: 1 MiB.</summary>
    public const long DefaultMaxBodyBytes = 1 << 20;

    /// <summary>Default interval between WebSocket pings: 30 s, as contract §4 says.</summary>
    public static readonly TimeSpan DefaultWebSocketPingInterval = TimeSpan.FromSeconds(30);

    /// <summary>Default time a WebSocket client has to answer a ping before the server drops it: 30 s.</summary>
    public static readonly TimeSpan DefaultWebSocketPongTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default interval between SSE keep-alive comments: 15 s, as contract §4 says.</summary>
    public static readonly TimeSpan DefaultSseKeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>The largest request body; larger ones get 413 <c>payload_too_large</c>.</summary>
    [Range(1, long.MaxValue / 2)]
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>How often an open WebSocket tail is pinged.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan WebSocketPingInterval { get; set; } = DefaultWebSocketPingInterval;

    /// <summary>How long a client may take to answer a ping; a client that does not answer is disconnected (it
    /// resumes from its last seq when it reconnects).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan WebSocketPongTimeout { get; set; } = DefaultWebSocketPongTimeout;

    /// <summary>How often an idle SSE tail gets a comment line, so proxies keep it open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan SseKeepAliveInterval { get; set; } = DefaultSseKeepAliveInterval;
}
