using Microsoft.Extensions.Options;
using Starcite.Server.Auth;

namespace Starcite.Server.Hardening;

/// <summary>Logs the server's and auth's effective options once at start; the principal token secret only as set or
/// not, the JWKS URL without user info or query.</summary>
internal sealed class EffectiveOptionsLog(IOptions<ServerOptions> server, IOptions<AuthOptions> auth, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Starcite.Server");
        var s = server.Value;
        var origins = s.AllowedOrigins.Count == 0 ? "(same origin only)" : string.Join(' ', s.AllowedOrigins);
        AuthLog.EffectiveServerOptions(logger, s.MaxBodyBytes, s.MaxRequestHeadersBytes, s.MaxConnectionsPerClient, origins,
            s.WebSocketPingInterval, s.WebSocketPongTimeout, s.SseKeepAliveInterval, InlineSocketCompletions.Mode);
        var a = auth.Value;
        var jwksUrl = AuthLog.Redact(a.JwksUrl);
        var secret = a.PrincipalTokenSecret is { Length: > 0 } ? "(set, redacted)" : "(unset)";
        AuthLog.EffectiveAuthOptions(logger, a.Mode, jwksUrl, a.JwtIssuer ?? "(unset)", a.JwtAudience ?? "(unset)", a.JwtLeewaySeconds,
            a.JwksRefreshInterval, a.JwksMinRefreshInterval, a.JwksTimeout, secret, a.PrincipalTokenDefaultTtlSeconds, a.PrincipalTokenMaxTtlSeconds,
            a.ValidationCacheSize);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
