using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

/// <summary>Malformed and hostile requests get a 4xx with the contract's error body, never a 5xx, and change nothing.</summary>
[Trait("Category", "Integration")]
public sealed class HostileInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly (string Method, string Path, byte[] Body)[] Requests =
    [
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes($$"""{"type":"t","payload":{{Nested(200)}},"actor":"a","producer_id":"p","producer_seq":1}""")),
        ("POST", "/v1/sessions/ses_a/append", [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]), // invalid UTF-8
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":1e400}""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":-9223372036854775809}""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":true}""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("""{"type":"\uD800","payload":{},"actor":"a","producer_id":"p","producer_seq":1}""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("""{"type":"t","payload":{"x":"\uDC00"},"actor":"a","producer_id":"p","producer_seq":1}""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("""{"type":"t","payload":{},"actor":"\uD800x","producer_id":"p","producer_seq":1}""")),
        ("POST", "/v1/sessions", Encoding.UTF8.GetBytes("""{"id":"\uD800"}""")),
        ("POST", "/v1/sessions", Encoding.UTF8.GetBytes("""{"creator_principal":{"tenant_id":"\uD800","id":"u","type":"user"}}""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes($$"""{"type":"{{new string('t', 257)}}","payload":{},"actor":"a","producer_id":"p","producer_seq":1}""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":1,"metadata":{"k":1""")),
        ("POST", "/v1/sessions/ses_a/append", Encoding.UTF8.GetBytes("\u0000\u0000\u0000")),
        ("POST", "/v1/sessions/ses_a/append", []),
        ("POST", "/v1/sessions", Encoding.UTF8.GetBytes($$"""{"id":"{{new string('a', 129)}}"}""")),
        ("POST", "/v1/sessions", Encoding.UTF8.GetBytes("""{"id":"ses_a/../../etc"}""")),
        ("POST", "/v1/sessions", Encoding.UTF8.GetBytes("""{"title":{"nested":true}}""")),
        ("GET", "/v1/sessions/..%2F..%2Fetc%2Fpasswd", []),
        ("GET", "/v1/sessions/" + new string('x', 5000), []),
        ("GET", "/v1/sessions/ses_a/events?cursor=99999999999999999999", []),
        ("GET", "/v1/sessions/ses_a/events?cursor=1&cursor=2&limit=%00", []),
        ("GET", "/v1/sessions?limit=-5&metadata[a]=1&metadata[=x", []),
        ("GET", "/v1/sessions/ses_a/tail?cursor=%20", []),
        ("PUT", "/v1/sessions/ses_a/append", []),
        ("DELETE", "/v1/sessions", []),
        ("GET", "/v1/sessions/ses_a/append", []),
        ("PUT", "/metrics", []),
        ("DELETE", "/metrics", []),
    ];

    [Fact]
    public async Task HostileRequests_Get4xxWithTheErrorBody_AndChangeNothing()
    {
        await using var server = await ServerHost.StartAsync();
        await server.CreateWithEventsAsync(2, "ses_a");
        var before = await (await server.GetAsync("/v1/sessions/ses_a/events")).Content.ReadAsStringAsync(Ct);

        foreach (var (method, path, body) in Requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body.Length > 0 || method is "POST" or "PUT")
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new("application/json");
            }

            using var response = await server.Client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var what = $"{method} {path[..Math.Min(path.Length, 80)]} {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 80)])}";
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{what} -> {(int)response.StatusCode} {text}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var error = System.Text.Json.JsonDocument.Parse(text).RootElement;
            Assert.False(string.IsNullOrEmpty(error.GetProperty("error").GetString()), what);
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()), what);
        }

        Assert.Equal(before, await (await server.GetAsync("/v1/sessions/ses_a/events")).Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/health/ready")).StatusCode);
        Assert.Empty(server.Logs.Errors);
    }

    [Theory]
    [InlineData("ffffffffffffffff")] // overflows Kestrel's chunk-size parser, which reports it as a plain IOException
    [InlineData("zz")]
    [InlineData("-1")]
    public async Task MalformedChunkedBody_Gets400InvalidJson(string chunkSize)
    {
        await using var server = await ServerHost.StartAsync();
        await server.CreateWithEventsAsync(1, "ses_a");

        foreach (var path in new[] { "/v1/sessions", "/v1/sessions/ses_a/append" })
        {
            var (status, response) = await RawHttp.SendAsync(server.BaseAddress,
                $"POST {path} HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json", Ct, body: $"{chunkSize}\r\n{{}}\r\n0\r\n\r\n");
            Assert.True(status == 400, $"{path} chunk size {chunkSize}: {response}");
            Assert.Contains("\"error\":\"invalid_json\"", response, StringComparison.Ordinal);
        }

        Assert.Equal(1, (await (await server.GetAsync("/v1/sessions/ses_a")).JsonAsync()).GetProperty("last_seq").GetInt64());
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task ClientThatResetsMidBody_IsAClientAbort_NotAnError()
    {
        var finished = new FinishedRequests();
        await using var server = await ServerHost.StartAsync(configure: builder => builder.Services.AddSingleton<IStartupFilter>(finished));
        await server.CreateWithEventsAsync(1, "ses_a");

        foreach (var path in new[] { "/v1/sessions", "/v1/sessions/ses_a/append" })
        {
            int clientPort;
            using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
            {
                await socket.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
                await socket.SendAsync(Encoding.ASCII.GetBytes(
                    $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"), Ct);

                // Kestrel answers 100 Continue when the endpoint first reads the body: the read is under way.
                var interim = new byte[64];
                var received = await socket.ReceiveAsync(interim, Ct);
                Assert.StartsWith("HTTP/1.1 100", Encoding.ASCII.GetString(interim, 0, received), StringComparison.Ordinal);
                await socket.SendAsync("{\"ti"u8.ToArray(), Ct);
                socket.LingerState = new LingerOption(true, 0); // closing now sends a reset, not a FIN
                clientPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
            }

            Assert.Equal(StatusCodes.Status499ClientClosedRequest, await finished.NextFromAsync(clientPort, Ct));
        }

        Assert.Equal(1, (await (await server.GetAsync("/v1/sessions/ses_a")).JsonAsync()).GetProperty("last_seq").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/health/ready")).StatusCode);
        Assert.Empty(server.Logs.Errors);
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
}
