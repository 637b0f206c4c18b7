using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Starcite.Server.Auth;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>
/// A real server in jwt mode against a real JWKS server, with one RSA key (<c>k1</c>) and a principal token secret.
/// Auth runs on a <see cref="FakeTimeProvider"/> of its own (starting at the real now) unless the test asks for the
/// real clock, so expiry and the JWKS throttle are driven by the test, not by waiting.
/// </summary>
public sealed class AuthHost : IAsyncDisposable
{
    public const string Issuer = "https://issuer.test/";
    public const string Audience = "starcite-tests";
    public const string Secret = "a-principal-token-secret-of-48-characters-length";
    public static readonly TimeSpan MinRefresh = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private AuthHost(ServerHost server, JwksServer jwks, TestSigningKey key, FakeTimeProvider? clock, AllLogs logs)
    {
        Server = server;
        Jwks = jwks;
        Key = key;
        FakeClock = clock;
        AllLogs = logs;
    }

    public ServerHost Server { get; }

    public JwksServer Jwks { get; }

    public TestSigningKey Key { get; }

    /// <summary>Auth's clock, or null on the real clock.</summary>
    public FakeTimeProvider? FakeClock { get; }

    /// <summary>Every log message at every level.</summary>
    public AllLogs AllLogs { get; }

    public DateTimeOffset Now => FakeClock?.GetUtcNow() ?? DateTimeOffset.UtcNow;

    public static async Task<AuthHost> StartAsync(IDictionary<string, string?>? settings = null, bool realClock = false, string? jwksUrl = null,
        bool failingJwks = false)
    {
        var key = new TestSigningKey("k1");
        var jwks = await JwksServer.StartAsync(key);
        jwks.Failing = failingJwks;
        var clock = realClock ? null : new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new AllLogs();
        var all = new Dictionary<string, string?>
        {
            ["Starcite:Auth:Mode"] = "jwt",
            ["Starcite:Auth:JwksUrl"] = jwksUrl ?? jwks.Url.ToString(),
            ["Starcite:Auth:JwtIssuer"] = Issuer,
            ["Starcite:Auth:JwtAudience"] = Audience,
            ["Starcite:Auth:JwtLeewaySeconds"] = "0",
            ["Starcite:Auth:JwksMinRefreshInterval"] = MinRefresh.ToString(),
            ["Starcite:Auth:JwksRefreshInterval"] = Refresh.ToString(),
            ["Starcite:Auth:PrincipalTokenSecret"] = Secret,
            ["Logging:LogLevel:Default"] = "Trace",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var server = await ServerHost.StartAsync(settings: all, configure: builder =>
        {
            builder.Logging.AddProvider(logs);
            if (clock is not null)
            {
                builder.Services.AddKeyedSingleton<TimeProvider>(AuthClock.ServiceKey, clock);
            }
        });
        return new AuthHost(server, jwks, key, clock, logs);
    }

    /// <summary>A service JWT signed with <paramref name="key"/> (default k1), valid for <paramref name="lifetime"/> (default 1 h).</summary>
    public string ServiceToken(TimeSpan? lifetime = null, string issuer = Issuer, string audience = Audience, TestSigningKey? key = null, DateTimeOffset? notBefore = null)
    {
        var from = notBefore ?? Now.AddSeconds(-1);
        return (key ?? Key).Sign(issuer, audience, from, Now + (lifetime ?? TimeSpan.FromHours(1)));
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null, Action<HttpRequestMessage>? tweak = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        tweak?.Invoke(request);
        return Server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> PostAsync(string path, string? token, string json) => SendAsync(HttpMethod.Post, path, token, json);

    public Task<HttpResponseMessage> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    /// <summary>Creates a session with a service token, owned by <c>{tenant, principalId, type}</c>.</summary>
    public async Task CreateSessionAsync(string id, string tenant, string principalId, string type = "user")
    {
        using var response = await PostAsync("/v1/sessions", ServiceToken(),
            $$$"""{"id":"{{{id}}}","metadata":{"tenant_id":"{{{tenant}}}"},"creator_principal":{"tenant_id":"{{{tenant}}}","id":"{{{principalId}}}","type":"{{{type}}}"}}""");
        Assert.Equal(201, (int)response.StatusCode);
    }

    /// <summary>Issues a principal token with a service token; asserts success and returns the token.</summary>
    public async Task<string> IssueAsync(string tenant, string id, string type, string[] scopes, string[]? sessionIds = null, int? ttlSeconds = null)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["principal"] = new { tenant_id = tenant, id, type },
            ["scopes"] = scopes,
            ["session_ids"] = sessionIds,
            ["ttl_seconds"] = ttlSeconds,
        });
        using var response = await PostAsync("/v1/auth/issue", ServiceToken(), body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
    }

    public static string[] AllScopes => ["session:create", "session:read", "session:append"];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Jwks.DisposeAsync();
        Key.Dispose();
    }
}
