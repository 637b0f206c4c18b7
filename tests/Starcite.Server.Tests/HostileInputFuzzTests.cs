using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

/// <summary>
/// Thousands of randomly broken or hostile requests against every endpoint, with auth off and on: broken JSON, deep
/// nesting, huge numbers, wrong types, odd encodings, oversized fields, path tricks, bad headers and tokens. Never a
/// 5xx, the server stays healthy, and the sessions that were there are exactly as before. The seed is printed (and
/// taken from STARCITE_FUZZ_SEED when set) so a failure can be replayed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostileInputFuzzTests
{
    private const int Requests = 1000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RandomHostileRequests_WithAuthOff_NeverGet5xxAndChangeNothing()
    {
        await using var server = await ServerHost.StartAsync();
        await server.CreateWithEventsAsync(3, "ses_a");
        await RunAsync(server, tokens: null, Seed());
    }

    [Fact]
    public async Task RandomHostileRequests_WithAuthOn_NeverGet5xxAndChangeNothing()
    {
        await using var host = await AuthHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        await host.CreateSessionAsync("ses_a", "acme", "u1");
        for (var i = 1; i <= 3; i++)
        {
            (await host.PostAsync("/v1/sessions/ses_a/append", host.ServiceToken(), Appends.Body("p1", i))).EnsureSuccessStatusCode();
        }

        var owner = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes);
        var agent = await host.IssueAsync("acme", "a1", "agent", AuthHost.AllScopes, ["ses_a"]);
        var stranger = await host.IssueAsync("globex", "u1", "user", AuthHost.AllScopes, ["ses_a"]);
        await RunAsync(host.Server, [host.ServiceToken(), owner, agent, stranger], Seed());
    }

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("STARCITE_FUZZ_SEED"), out var seed) ? seed : Random.Shared.Next();

    private static async Task RunAsync(ServerHost server, string[]? tokens, int seed)
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz seed {seed} (replay with STARCITE_FUZZ_SEED={seed})");
        Console.WriteLine($"fuzz seed {seed} (replay with STARCITE_FUZZ_SEED={seed})");
        var before = await SnapshotAsync(server, tokens?[0]);
        var fuzz = new HostileRequests(new Random(seed), tokens);
        for (var n = 0; n < Requests; n++)
        {
            var request = fuzz.Next();
            int status;
            try
            {
                // A raw request closed without a reply was refused (Kestrel drops some malformed heads silently).
                status = request.Raw is { } raw ? await SendRawAsync(server, raw) ?? 400 : await SendAsync(server, request);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new InvalidOperationException($"seed {seed}, request {n}: {request.Describe()} failed", e);
            }

            Assert.True(status is > 0 and < 500, $"seed {seed}, request {n}: {request.Describe()} -> {status}");
        }

        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(before, await SnapshotAsync(server, tokens?[0]));
        Assert.Empty(server.Logs.Errors);
    }

    private static async Task<int> SendAsync(ServerHost server, HostileRequest fuzzed)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzzed.Method), fuzzed.Path);
        if (fuzzed.Body is { } body)
        {
            request.Content = new ByteArrayContent(body);
            if (fuzzed.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        foreach (var (name, value) in fuzzed.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            // Headers only: a tail that was accepted streams forever, and its status is all this test needs.
            using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException e) when (fuzzed.Body is not null && e.InnerException is IOException)
        {
            // The server answered and closed the connection while the client was still sending the body: Kestrel
            // refuses a bad request target or an oversized body from the head alone. HttpClient reports only the broken
            // pipe; a raw replay reads the status the server sent before it closed.
            return await SendRawAsync(server, fuzzed.ToHttp(server.BaseAddress.Authority))
                ?? throw new InvalidOperationException("The server closed the connection without answering.", e);
        }
    }

    /// <summary>Bytes HttpClient would not send (non-ASCII headers, WebSocket upgrades); the status of the reply, or null
    /// when the server closed without one.</summary>
    private static async Task<int?> SendRawAsync(ServerHost server, byte[] raw)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(raw, Ct);
        }
        catch (IOException)
        {
            // The server closed while the request was still being written; its answer, if any, is there to read.
        }

        var head = new byte[12];
        var read = 0;
        try
        {
            while (read < head.Length && await stream.ReadAsync(head.AsMemory(read), Ct) is var n and > 0)
            {
                read += n;
            }
        }
        catch (IOException)
        {
            // Reset after the answer (or instead of one): what arrived before it counts.
        }

        return read < 12 ? null : int.Parse(Encoding.ASCII.GetString(head, 9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> SnapshotAsync(ServerHost server, string? token)
    {
        var text = new StringBuilder();
        foreach (var path in new[] { "/v1/sessions/ses_a", "/v1/sessions/ses_a/events?limit=1000" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await server.Client.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            text.Append(path).Append(' ').Append((int)response.StatusCode).Append(' ').Append(body).Append('\n');
        }

        return text.ToString();
    }
}
