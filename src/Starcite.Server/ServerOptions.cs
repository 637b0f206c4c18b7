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

    /// <summary>Default limit of all request headers together: 32 KiB, Kestrel's own default.</summary>
    public const int DefaultMaxRequestHeadersBytes = 32 * 1024;

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

    /// <summary>The largest total size of a request's headers; Kestrel answers larger ones with 431 before any
    /// handler runs.</summary>
    [Range(1024, 1 << 20)]
    public int MaxRequestHeadersBytes { get; set; } = DefaultMaxRequestHeadersBytes;

    /// <summary>Open connections allowed per client IP address (0: no limit). A connection over the limit is closed
    /// at once, before a request is read.</summary>
    [Range(0, 1_000_000)]
    public int MaxConnectionsPerClient { get; set; }

    /// <summary>Origins (<c>https://app.example.com</c>, or <c>*</c> for any) whose browsers may call the REST API
    /// (CORS) and open WebSocket tails. Requests without an <c>Origin</c> header (non-browser clients) and same-origin
    /// requests are always allowed; a WebSocket upgrade from any other origin gets 403 <c>forbidden</c>.</summary>
    public IList<string> AllowedOrigins { get; set; } = [];
}
