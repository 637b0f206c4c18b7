namespace Starcite.Server.Auth;

/// <summary>Log messages of authentication and hardening; event ids 2200+ (the server's are 2100+). No message ever
/// carries a token, a secret or a URL's query string.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 2200, EventName = "EffectiveAuthOptions", Level = LogLevel.Information,
        Message = "Auth: Mode={Mode}, JwksUrl={JwksUrl}, JwtIssuer={JwtIssuer}, JwtAudience={JwtAudience}, JwtLeewaySeconds={JwtLeewaySeconds}, " +
                  "JwksRefreshInterval={JwksRefreshInterval}, JwksMinRefreshInterval={JwksMinRefreshInterval}, JwksTimeout={JwksTimeout}, " +
                  "PrincipalTokenSecret={PrincipalTokenSecret}, PrincipalTokenDefaultTtlSeconds={DefaultTtl}, PrincipalTokenMaxTtlSeconds={MaxTtl}, " +
                  "ValidationCacheSize={ValidationCacheSize}")]
    public static partial void EffectiveAuthOptions(ILogger logger, AuthMode mode, string jwksUrl, string jwtIssuer, string jwtAudience, int jwtLeewaySeconds,
        TimeSpan jwksRefreshInterval, TimeSpan jwksMinRefreshInterval, TimeSpan jwksTimeout, string principalTokenSecret, int defaultTtl, int maxTtl,
        int validationCacheSize);

    [LoggerMessage(EventId = 2201, EventName = "EffectiveServerOptions", Level = LogLevel.Information,
        Message = "Server: MaxBodyBytes={MaxBodyBytes}, MaxRequestHeadersBytes={MaxRequestHeadersBytes}, MaxConnectionsPerClient={MaxConnectionsPerClient}, " +
                  "AllowedOrigins={AllowedOrigins}, WebSocketPingInterval={PingInterval}, WebSocketPongTimeout={PongTimeout}, SseKeepAliveInterval={SseKeepAlive}, " +
                  "SocketCompletions={SocketCompletions}")]
    public static partial void EffectiveServerOptions(ILogger logger, long maxBodyBytes, int maxRequestHeadersBytes, int maxConnectionsPerClient,
        string allowedOrigins, TimeSpan pingInterval, TimeSpan pongTimeout, TimeSpan sseKeepAlive, string socketCompletions);

    [LoggerMessage(EventId = 2202, EventName = "JwksFetched", Level = LogLevel.Information,
        Message = "Fetched {Count} signing key(s) from {JwksUrl} ({Skipped} unusable key(s) left out)")]
    public static partial void JwksFetched(ILogger logger, int count, int skipped, string jwksUrl);

    [LoggerMessage(EventId = 2203, EventName = "JwksFetchFailed", Level = LogLevel.Warning,
        Message = "Fetching the signing keys from {JwksUrl} failed ({Reason}); {State}")]
    public static partial void JwksFetchFailed(ILogger logger, string jwksUrl, string reason, string state);

    [LoggerMessage(EventId = 2204, EventName = "TokenRejected", Level = LogLevel.Debug,
        Message = "A {Method} {Path} request was refused with {Status} {Code}: {Reason}")]
    public static partial void TokenRejected(ILogger logger, string method, string path, int status, string code, string reason);

    [LoggerMessage(EventId = 2205, EventName = "PrincipalTokenIssued", Level = LogLevel.Information,
        Message = "Issued a principal token for {PrincipalType}:{PrincipalId} of tenant {TenantId} with scopes {Scopes}, valid {TtlSeconds} s")]
    public static partial void PrincipalTokenIssued(ILogger logger, string principalType, string principalId, string tenantId, string scopes, int ttlSeconds);

    [LoggerMessage(EventId = 2206, EventName = "TailTokenExpired", Level = LogLevel.Debug,
        Message = "A {Transport} tail of session {SessionId} was closed at seq {Cursor}: its token expired")]
    public static partial void TailTokenExpired(ILogger logger, string transport, string sessionId, long cursor);

    [LoggerMessage(EventId = 2207, EventName = "ConnectionRefused", Level = LogLevel.Debug,
        Message = "A connection from {Client} was refused: it already has {Limit} open")]
    public static partial void ConnectionRefused(ILogger logger, string client, int limit);

    /// <summary>A URL fit for a log: no user info and no query string, which may carry credentials.</summary>
    public static string Redact(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url is null ? "(unset)" : "(not a URL)";
        }

        var text = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return uri.Query.Length > 1 ? text + "?(redacted)" : text;
    }
}
