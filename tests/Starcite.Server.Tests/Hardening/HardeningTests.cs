using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Hardening;

/// <summary>Origins (WebSocket upgrades refused with 403 before the upgrade; CORS for the REST API), header and filter
/// limits, connections per client, and options that stop the server from starting with a clear message.</summary>
[Trait("Category", "Integration")]
public sealed class HardeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWebSocketFromAnOriginNotAllowed_Gets403BeforeTheUpgrade()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Server:AllowedOrigins:0"] = "https://app.example.com" });
        await server.CreateWithEventsAsync(1, "ses_o");

        Assert.Equal(403, (await UpgradeAsync(server, "https://evil.example.com")).Status);
        Assert.Equal(101, (await UpgradeAsync(server, "https://app.example.com")).Status);
        Assert.Equal(101, (await UpgradeAsync(server, "https://APP.example.com:443")).Status); // the same origin, written differently
        Assert.Equal(101, (await UpgradeAsync(server, $"http://{server.BaseAddress.Authority}")).Status); // same origin
        Assert.Equal(101, (await UpgradeAsync(server, null)).Status); // not a browser
        var refused = await UpgradeAsync(server, "null");
        Assert.Equal(403, refused.Status);
        Assert.Contains("\"forbidden\"", refused.Response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_AnswersListedOriginsOnly()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Server:AllowedOrigins:0"] = "https://app.example.com" });
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/sessions");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var allowed = await server.Client.SendAsync(preflight, Ct);
        Assert.True(allowed.IsSuccessStatusCode, ((int)allowed.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("https://app.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var other = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions");
        other.Headers.Add("Origin", "https://evil.example.com");
        using var response = await server.Client.SendAsync(other, Ct);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));

        await using var closed = await ServerHost.StartAsync(); // by default no cross-origin browser is served
        using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions");
        get.Headers.Add("Origin", "https://app.example.com");
        Assert.False((await closed.Client.SendAsync(get, Ct)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task OversizedHeadersAndTooManyFilters_AreRefused_AndTheServerStaysHealthy()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Server:MaxRequestHeadersBytes"] = "4096" });
        var (status, _) = await RawHttp.SendAsync(server.BaseAddress, $"GET /v1/sessions HTTP/1.1\r\nX-Big: {new string('a', 8000)}", Ct);
        Assert.Equal(431, status);

        var filters = string.Join('&', Enumerable.Range(0, 17).Select(i => $"metadata[k{i}]=v"));
        await (await server.GetAsync($"/v1/sessions?{filters}")).AssertErrorAsync(400, "invalid_metadata");
        await (await server.GetAsync($"/v1/sessions?metadata[k]={new string('v', 300)}")).AssertErrorAsync(400, "invalid_metadata");
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/v1/sessions?metadata[k]=v")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task ConnectionsOverThePerClientLimit_AreClosedAtOnce()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Server:MaxConnectionsPerClient"] = "2" });
        using var first = new TcpClient();
        using var second = new TcpClient();
        foreach (var open in new[] { first, second })
        {
            // A request answered on each proves the server took (and counted) the connection; keep-alive holds it open.
            await open.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
            await open.GetStream().WriteAsync("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Ct);
            Assert.True(await open.GetStream().ReadAsync(new byte[256], Ct) > 0);
        }

        await Eventually.StatusAsync(async () =>
        {
            // A third connection is accepted by the OS, then closed by the server before it answers anything.
            using var third = new TcpClient();
            try
            {
                await third.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
                var stream = third.GetStream();
                await stream.WriteAsync("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Ct);
                var read = await stream.ReadAsync(new byte[64], Ct);
                return new HttpResponseMessage(read == 0 ? HttpStatusCode.Gone : HttpStatusCode.OK);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                return new HttpResponseMessage(HttpStatusCode.Gone); // reset
            }
        }, HttpStatusCode.Gone);

        first.Dispose();
        second.Dispose();
        await Eventually.StatusAsync(() => server.GetAsync("/health/live"), HttpStatusCode.OK); // the slots free up
    }

    [Theory]
    [InlineData("Starcite:Auth:Mode", "jwt", "JwksUrl")]
    [InlineData("Starcite:Auth:PrincipalTokenSecret", "too-short", "at least 32 bytes")]
    [InlineData("Starcite:Auth:PrincipalTokenDefaultTtlSeconds", "1000", "must not exceed")]
    [InlineData("Starcite:Server:AllowedOrigins:0", "https://app.example.com/path", "AllowedOrigins")]
    public async Task InvalidOptions_StopTheServerFromStarting_NamingTheSetting(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => ServerHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short", failure.Message, StringComparison.Ordinal); // never echoes a secret
    }

    private static async Task<(int Status, string Response)> UpgradeAsync(ServerHost server, string? origin)
    {
        var head = "GET /v1/sessions/ses_o/tail?cursor=0 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" + (origin is null ? "" : $"\r\nOrigin: {origin}");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{head}\r\nHost: {server.BaseAddress.Authority}\r\n\r\n"), Ct);
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, Ct);
        var text = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        if (text.Contains("\r\n\r\n", StringComparison.Ordinal) && !text.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) && !text.Contains('}', StringComparison.Ordinal))
        {
            read = await stream.ReadAsync(buffer, Ct); // the body after the head
            text += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }

        return (int.Parse(text.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture), text);
    }
}
