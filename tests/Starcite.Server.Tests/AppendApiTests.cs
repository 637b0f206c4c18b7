using System.Net;
using System.Text;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

[Trait("Category", "Integration")]
public sealed class AppendApiTests
{
    private const string Event = """{"type":"content","payload":{"text":"hi"},"actor":"agent:drafter","producer_id":"drafter-1","producer_seq":1}""";

    [Fact]
    public async Task Append_ContractExample_Returns201ThenDedupesTheRetry()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");
        const string body = """{"type":"content","payload":{"text":"hi"},"actor":"agent:drafter","producer_id":"drafter-1","producer_seq":1,"expected_seq":0}""";

        var first = await server.PostJsonAsync("/v1/sessions/ses_a/append", body);
        var retry = await server.PostJsonAsync("/v1/sessions/ses_a/append", body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("""{"seq":1,"last_seq":1,"deduped":false}""", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("""{"seq":1,"last_seq":1,"deduped":true}""", await retry.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Append_Conflicts_Return409WithTheContractsCodesAndMessages()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");
        await server.PostJsonAsync("/v1/sessions/ses_a/append", Event);

        await (await server.PostJsonAsync("/v1/sessions/ses_a/append", Event.Replace("\"hi\"", "\"changed\"", StringComparison.Ordinal)))
            .AssertErrorAsync(409, "producer_replay_conflict");
        var order = await (await server.PostJsonAsync("/v1/sessions/ses_a/append", Event.Replace("\"producer_seq\":1", "\"producer_seq\":5", StringComparison.Ordinal)))
            .AssertErrorAsync(409, "producer_seq_conflict");
        Assert.Equal("Producer drafter-1 expected seq 2, got 5", order);
        var expected = await (await server.PostJsonAsync("/v1/sessions/ses_a/append",
                """{"type":"t","payload":{},"actor":"a","producer_id":"other","producer_seq":1,"expected_seq":0}"""))
            .AssertErrorAsync(409, "expected_seq_conflict");
        Assert.Equal("Expected seq 0, current seq is 1", expected);

        var page = await (await server.GetAsync("/v1/sessions/ses_a/events")).JsonAsync();
        Assert.Equal(1, page.GetProperty("last_seq").GetInt64()); // rejections consumed no seq
    }

    [Fact]
    public async Task Append_MissingSession_Returns404()
    {
        await using var server = await ServerHost.StartAsync();

        await (await server.PostJsonAsync("/v1/sessions/ses_none/append", Event)).AssertErrorAsync(404, "session_not_found");
    }

    [Fact]
    public async Task Append_IntegersAsDecimalStringsAndUnknownFields_AreAccepted()
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");

        var response = await server.PostJsonAsync("/v1/sessions/ses_a/append",
            """{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":"42","expected_seq":"0","extra":true}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var events = await (await server.GetAsync("/v1/sessions/ses_a/events")).JsonAsync();
        Assert.Equal(42, events.GetProperty("events")[0].GetProperty("producer_seq").GetInt64());
    }

    [Theory]
    [InlineData("""{"payload":{},"actor":"a","producer_id":"p","producer_seq":1}""", "invalid_event", "type")]
    [InlineData("""{"type":"t","actor":"a","producer_id":"p","producer_seq":1}""", "invalid_event", "payload")]
    [InlineData("""{"type":"t","payload":[1],"actor":"a","producer_id":"p","producer_seq":1}""", "invalid_event", "payload")]
    [InlineData("""{"type":"t","payload":{},"producer_id":"p","producer_seq":1}""", "invalid_event", "actor")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_seq":1}""", "invalid_event", "producer_id")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p"}""", "invalid_event", "producer_seq")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":0}""", "invalid_event", "producer_seq")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":"x"}""", "invalid_event", "producer_seq")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":1.5}""", "invalid_event", "producer_seq")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":99999999999999999999}""", "invalid_event", "producer_seq")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":1,"expected_seq":-1}""", "invalid_event", "expected_seq")]
    [InlineData("""{"type":7,"payload":{},"actor":"a","producer_id":"p","producer_seq":1}""", "invalid_event", "type")]
    [InlineData("""{"type":"","payload":{},"actor":"a","producer_id":"p","producer_seq":1}""", "invalid_event", "type")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":1,"metadata":[]}""", "invalid_metadata", "metadata")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":1,"refs":"r"}""", "invalid_refs", "refs")]
    [InlineData("""{"type":"t","payload":{},"actor":"a","producer_id":"p","producer_seq":1,"source":""}""", "invalid_event", "source")]
    [InlineData("""{"type":"t",""", "invalid_json", "JSON")]
    [InlineData("""null""", "invalid_json", "JSON object")]
    public async Task Append_BadBody_Returns400NamingTheField(string body, string code, string field)
    {
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");

        var message = await (await server.PostJsonAsync("/v1/sessions/ses_a/append", body)).AssertErrorAsync(400, code);

        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.Equal(0, (await (await server.GetAsync("/v1/sessions/ses_a")).JsonAsync()).GetProperty("last_seq").GetInt64());
    }

    [Fact]
    public async Task Append_BodyOverTheLimit_Returns413()
    {
        // A small limit keeps the whole request within socket buffers: with megabytes, the server's early 413 can
        // reach a client that is still sending, which then sees a reset instead of the response.
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Server:MaxBodyBytes"] = "4096" });
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");
        var huge = $$"""{"type":"t","payload":{"x":"{{new string('x', 5000)}}"},"actor":"a","producer_id":"p","producer_seq":1}""";

        await (await server.PostJsonAsync("/v1/sessions/ses_a/append", huge)).AssertErrorAsync(413, "payload_too_large");

        // Chunked, without a Content-Length: the limit holds while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/ses_a/append") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await (await server.Client.SendAsync(request, TestContext.Current.CancellationToken)).AssertErrorAsync(413, "payload_too_large");

        // Just under the limit is fine.
        var fits = $$"""{"type":"t","payload":{"x":"{{new string('x', 3900)}}"},"actor":"a","producer_id":"p","producer_seq":1}""";
        Assert.Equal(HttpStatusCode.Created, (await server.PostJsonAsync("/v1/sessions/ses_a/append", fits)).StatusCode);
    }

    [Fact]
    public async Task Append_ConcurrentBodiesOfManySizes_EachEventKeepsItsOwnJson()
    {
        // The server parses a body in a pooled buffer and hands the engine slices of it: an event stored from a buffer
        // already given back (and refilled by another request) would carry another request's JSON.
        await using var server = await ServerHost.StartAsync();
        await server.PostJsonAsync("/v1/sessions", """{"id":"ses_a"}""");
        static string Text(int writer, int seq, string field) => new string((char)('a' + ((writer + seq) % 26)), (writer * 131 + seq * 17) % 3000) + $"-{field}-{writer}-{seq}";
        static string Body(int writer, int seq) =>
            $$"""{"type":"t","payload":{"v":"{{Text(writer, seq, "p")}}"},"metadata":{"m":"{{Text(writer, seq, "m")}}"},"refs":{"r":"{{Text(writer, seq, "r")}}"},"actor":"a","producer_id":"w{{writer}}","producer_seq":{{seq}}}""";

        const int writers = 16, perWriter = 20;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
        {
            for (var seq = 1; seq <= perWriter; seq++)
            {
                Assert.Equal(HttpStatusCode.Created, (await server.PostJsonAsync("/v1/sessions/ses_a/append", Body(writer, seq))).StatusCode);
                // The retry is compared with the stored event: any difference would be a 409 replay conflict.
                var retry = await (await server.PostJsonAsync("/v1/sessions/ses_a/append", Body(writer, seq))).JsonAsync();
                Assert.True(retry.GetProperty("deduped").GetBoolean());
            }
        }));

        var page = await (await server.GetAsync("/v1/sessions/ses_a/events?limit=1000")).JsonAsync();
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(writers * perWriter, events.Count);
        foreach (var e in events)
        {
            var writer = int.Parse(e.GetProperty("producer_id").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture);
            var seq = (int)e.GetProperty("producer_seq").GetInt64();
            Assert.Equal(Text(writer, seq, "p"), e.GetProperty("payload").GetProperty("v").GetString());
            Assert.Equal(Text(writer, seq, "m"), e.GetProperty("metadata").GetProperty("m").GetString());
            Assert.Equal(Text(writer, seq, "r"), e.GetProperty("refs").GetProperty("r").GetString());
        }
    }
}
