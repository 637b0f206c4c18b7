using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Auth;

/// <summary>Service JWTs in jwt mode: what is accepted, everything that is refused with 401, and the JWKS life cycle
/// (rotation with a throttled refresh, outages as 503, the validation cache honouring expiry).</summary>
[Trait("Category", "Integration")]
public sealed class ServiceTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every operation of the API, as (method, path, body).</summary>
    private static readonly (string Method, string Path, string? Body)[] Operations =
    [
        ("POST", "/v1/sessions", """{"id":"ses_new","creator_principal":{"tenant_id":"acme","id":"u1","type":"user"}}"""),
        ("GET", "/v1/sessions", null),
        ("GET", "/v1/sessions/ses_a", null),
        ("POST", "/v1/sessions/ses_a/append", Appends.Body("p9", 1)),
        ("GET", "/v1/sessions/ses_a/events", null),
        ("GET", "/v1/sessions/ses_a/tail?cursor=0", null),
        ("POST", "/v1/auth/issue", """{"principal":{"tenant_id":"acme","id":"u1","type":"user"},"scopes":["session:read"]}"""),
    ];

    [Fact]
    public async Task EveryOperation_WithoutAToken_Gets401WithTheRealm()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_a", "acme", "u1");
        foreach (var (method, path, body) in Operations)
        {
            using var response = await host.SendAsync(new HttpMethod(method), path, null, body, Sse);
            await response.AssertErrorAsync(401, "unauthorized");
            Assert.Equal("Bearer realm=\"starcite\"", response.Headers.WwwAuthenticate.ToString());
        }

        using var upgrade = await RawWebSocket.ConnectAsync(host.Server.BaseAddress, "/v1/sessions/ses_a/tail?cursor=0", Ct);
        Assert.Equal(401, upgrade.Status);
        Assert.Contains("\"unauthorized\"", upgrade.Body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/health/ready", null)).StatusCode); // operations stay open
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/metrics", null)).StatusCode);
    }

    [Fact]
    public async Task AValidServiceToken_MayDoEverything()
    {
        await using var host = await AuthHost.StartAsync();
        await host.CreateSessionAsync("ses_a", "acme", "u1");
        var token = host.ServiceToken();
        foreach (var (method, path, body) in Operations)
        {
            using var response = await host.SendAsync(new HttpMethod(method), path, token, body, Sse);
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}"); // a tail's body never ends: not read
        }

        // The scheme name is case-insensitive (RFC 7235).
        using var lower = await host.SendAsync(HttpMethod.Get, "/v1/sessions/ses_a", null, tweak: r => r.Headers.TryAddWithoutValidation("Authorization", "bearer " + token));
        Assert.Equal(HttpStatusCode.OK, lower.StatusCode);
    }

    [Fact]
    public async Task MalformedAuthorization_Gets401InvalidRequest()
    {
        await using var host = await AuthHost.StartAsync();
        var token = host.ServiceToken();
        foreach (var header in new[] { "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", $"Bearer {token}, Bearer {token}", $"Token {token}", "Bearer \"quoted\"", "Bearer " + new string('a', 9000) })
        {
            using var response = await host.SendAsync(HttpMethod.Get, "/v1/sessions", null, tweak: r => r.Headers.TryAddWithoutValidation("Authorization", header));
            await response.AssertErrorAsync(401, "unauthorized");
            Assert.StartsWith("Bearer realm=\"starcite\", error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SeveralAuthorizationHeaders_Get401_EvenWhenEachIsValid()
    {
        await using var host = await AuthHost.StartAsync();
        var token = host.ServiceToken();
        var (status, response) = await RawHttp.SendAsync(host.Server.BaseAddress,
            $"GET /v1/sessions HTTP/1.1\r\nAuthorization: Bearer {token}\r\nAuthorization: Bearer {token}", Ct);
        Assert.Equal(401, status);
        Assert.Contains("error=\"invalid_request\"", response, StringComparison.Ordinal);
        Assert.DoesNotContain(token, response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedMisissuedAndExpiredTokens_Get401InvalidToken()
    {
        await using var host = await AuthHost.StartAsync();
        using var stranger = new TestSigningKey("k9");
        var now = host.Now;
        var valid = host.ServiceToken();
        var parts = valid.Split('.');
        var claims = new Dictionary<string, object> { ["iss"] = AuthHost.Issuer, ["aud"] = AuthHost.Audience, ["exp"] = now.AddHours(1).ToUnixTimeSeconds() };
        var cases = new Dictionary<string, string>
        {
            ["wrong issuer"] = host.ServiceToken(issuer: "https://evil.test/"),
            ["wrong audience"] = host.ServiceToken(audience: "someone-else"),
            ["expired"] = host.Key.Sign(AuthHost.Issuer, AuthHost.Audience, now.AddMinutes(-10), now.AddSeconds(-1)),
            ["not yet valid"] = host.Key.Sign(AuthHost.Issuer, AuthHost.Audience, now.AddMinutes(5), now.AddHours(1)),
            ["unknown kid"] = host.ServiceToken(key: stranger),
            ["tampered signature"] = $"{parts[0]}.{parts[1]}.{Flip(parts[2])}",
            ["tampered payload"] = $"{parts[0]}.{Base64UrlEncoder.Encode("""{"iss":"https://issuer.test/","aud":"starcite-tests","exp":99999999999}""")}.{parts[2]}",
            ["signature of another key under k1"] = TestSigningKey.Craft(new { alg = "RS256", kid = "k1", typ = "JWT" }, claims, stranger.SignRs256),
            ["alg none"] = TestSigningKey.Craft(new { alg = "none", kid = "k1", typ = "JWT" }, claims, _ => []),
            ["alg none, signature kept"] = $"{Base64UrlEncoder.Encode("""{"alg":"none","kid":"k1"}""")}.{parts[1]}.{parts[2]}",
            ["HS256 with the public key (PEM) as secret"] = TestSigningKey.Craft(new { alg = "HS256", kid = "k1", typ = "JWT" }, claims, input => HMACSHA256.HashData(host.Key.PublicKeyPem(), input)),
            ["HS256 with the modulus as secret"] = TestSigningKey.Craft(new { alg = "HS256", kid = "k1", typ = "JWT" }, claims,
                input => HMACSHA256.HashData(Base64UrlEncoder.DecodeBytes(host.Key.Jwk()["n"]), input)),
            ["RS256 posing as a principal token"] = TestSigningKey.Craft(new { alg = "RS256", kid = "k1", typ = "JWT" },
                new Dictionary<string, object>(claims) { ["iss"] = "urn:starcite:principal", ["aud"] = "urn:starcite" }, host.Key.SignRs256),
            ["no kid"] = TestSigningKey.Craft(new { alg = "RS256", typ = "JWT" }, claims, host.Key.SignRs256),
            ["no exp"] = TestSigningKey.Craft(new { alg = "RS256", kid = "k1", typ = "JWT" },
                new Dictionary<string, object> { ["iss"] = AuthHost.Issuer, ["aud"] = AuthHost.Audience }, host.Key.SignRs256),
            ["two parts"] = $"{parts[0]}.{parts[1]}",
            ["not a JWT"] = "hello",
            ["garbage parts"] = "abc.def.ghi",
        };

        using (var ok = await host.GetAsync("/v1/sessions", valid))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        foreach (var (name, token) in cases)
        {
            using var response = await host.GetAsync("/v1/sessions", token);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
            await response.AssertErrorAsync(401, "unauthorized");
            Assert.StartsWith("Bearer realm=\"starcite\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ARotatedInKid_IsPickedUpAfterTheThrottledRefresh()
    {
        await using var host = await AuthHost.StartAsync();
        using var rotated = new TestSigningKey("k2");
        using (var first = await host.GetAsync("/v1/sessions", host.ServiceToken()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var fetches = host.Jwks.Fetches;
        host.Jwks.Add(rotated);
        var token = host.ServiceToken(key: rotated);
        for (var i = 0; i < 5; i++)
        {
            using var early = await host.GetAsync("/v1/sessions", token);
            await early.AssertErrorAsync(401, "unauthorized"); // the last fetch is too recent: no new one
        }

        Assert.Equal(fetches, host.Jwks.Fetches);

        host.FakeClock!.Advance(AuthHost.MinRefresh);
        using (var picked = await host.GetAsync("/v1/sessions", token))
        {
            Assert.Equal(HttpStatusCode.OK, picked.StatusCode);
        }

        Assert.Equal(fetches + 1, host.Jwks.Fetches);
        using var forged = new TestSigningKey("k3");
        using (var unknown = await host.GetAsync("/v1/sessions", host.ServiceToken(key: forged)))
        {
            await unknown.AssertErrorAsync(401, "unauthorized");
        }

        Assert.Equal(fetches + 1, host.Jwks.Fetches); // a flood of unknown kids is not a flood of fetches
    }

    [Fact]
    public async Task KeysThatCannotBeFetchedAtAll_Give503WithRetryAfter_Not401()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: every fetch is refused at once

        await using var host = await AuthHost.StartAsync(jwksUrl: $"http://127.0.0.1:{port}/jwks.json");
        using var response = await host.GetAsync("/v1/sessions", host.ServiceToken());
        await response.AssertErrorAsync(503, "unavailable");
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/health/ready", null)).StatusCode);

        using var noToken = await host.GetAsync("/v1/sessions", null);
        await noToken.AssertErrorAsync(401, "unauthorized"); // no token is still no token
    }

    [Fact]
    public async Task AFailingKeyServer_Gives503_ThenServiceTokensWorkOnceItRecovers()
    {
        await using var host = await AuthHost.StartAsync(failingJwks: true);
        var token = host.ServiceToken();
        using (var down = await host.GetAsync("/v1/sessions", token))
        {
            await down.AssertErrorAsync(503, "unavailable");
            Assert.NotNull(down.Headers.RetryAfter);
        }

        host.Jwks.Failing = false;
        host.FakeClock!.Advance(AuthHost.MinRefresh);
        using var up = await host.GetAsync("/v1/sessions", token);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    [Fact]
    public async Task ACachedToken_IsNeverAcceptedOnceItExpired()
    {
        await using var host = await AuthHost.StartAsync();
        var token = host.ServiceToken(lifetime: TimeSpan.FromSeconds(60));
        for (var i = 0; i < 3; i++)
        {
            using var ok = await host.GetAsync("/v1/sessions", token); // the first validates, the others come from the cache
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        host.FakeClock!.Advance(TimeSpan.FromSeconds(61));
        using var expired = await host.GetAsync("/v1/sessions", token);
        var message = await expired.AssertErrorAsync(401, "unauthorized");
        Assert.Equal("The token expired", message);
    }

    [Fact]
    public async Task AKeyRotatedOut_TakesItsTokensWithIt_AtTheNextRefresh()
    {
        await using var host = await AuthHost.StartAsync();
        using var next = new TestSigningKey("k2");
        var old = host.ServiceToken();
        using (var ok = await host.GetAsync("/v1/sessions", old))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // validated and cached
        }

        var fetches = host.Jwks.Fetches;
        host.Jwks.Add(next);
        host.Jwks.Remove(host.Key);
        host.FakeClock!.Advance(AuthHost.Refresh); // the periodic refresh
        await host.Jwks.WaitForFetchesAsync(fetches + 1);
        await Eventually.StatusAsync(() => host.GetAsync("/v1/sessions", old), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/sessions", host.ServiceToken(key: next))).StatusCode);
    }

    private static void Sse(HttpRequestMessage request)
    {
        if (request.RequestUri!.OriginalString.Contains("/tail", StringComparison.Ordinal))
        {
            request.Headers.Accept.ParseAdd("text/event-stream");
        }
    }

    /// <summary>Changes one character of a base64url part (not the last, which may carry only padding bits).</summary>
    private static string Flip(string part) => part[..^2] + (part[^2] == 'A' ? 'B' : 'A') + part[^1];
}
