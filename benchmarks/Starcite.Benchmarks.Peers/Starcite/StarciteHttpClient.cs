using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Starcite.Benchmarks.Peers.Support;

namespace Starcite.Benchmarks.Peers.Starcite;

/// <summary>The contract's HTTP API (§3 append, §4 events and tail) through one pooled <see cref="HttpClient"/>.</summary>
internal sealed class StarciteHttpClient : IPeerClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public StarciteHttpClient(Uri address)
    {
        Address = address;
        _http = StarciteHttpSystem.CreateHttpClient(address);
    }

    public Uri Address { get; }

    public async ValueTask CreateSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["id"] = sessionId }));
        body.Headers.ContentType = Json;
        using var response = await _http.PostAsync(new Uri("/v1/sessions", UriKind.Relative), body, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new HttpRequestException($"create {sessionId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    public async ValueTask<PeerAppendResult> AppendAsync(string sessionId, PeerAppend append, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(append.Payload.Length + 160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "content");
            writer.WritePropertyName("payload");
            writer.WriteRawValue(append.Payload.Span, skipInputValidation: true);
            writer.WriteString("actor", "agent:bench");
            writer.WriteString("producer_id", append.ProducerId);
            writer.WriteNumber("producer_seq", append.ProducerSeq);
            if (append.ExpectedSeq is { } expected)
            {
                writer.WriteNumber("expected_seq", expected);
            }

            writer.WriteEndObject();
        }

        using var body = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        body.Headers.ContentType = Json;
        using var response = await _http.PostAsync(new Uri($"/v1/sessions/{Uri.EscapeDataString(sessionId)}/append", UriKind.Relative), body, cancellationToken).ConfigureAwait(false);
        using var reply = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        var root = reply.RootElement;
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var deduped = root.GetProperty("deduped").GetBoolean();
            return new PeerAppendResult(deduped ? PeerOutcome.Deduped : PeerOutcome.Appended, root.GetProperty("seq").GetInt64(), root.GetProperty("last_seq").GetInt64());
        }

        if (root.TryGetProperty("error", out var error) && error.GetString() == "expected_seq_conflict")
        {
            // "Expected seq <e>, current seq is <c>" (contract §3.4)
            var message = root.GetProperty("message").GetString()!;
            return new PeerAppendResult(PeerOutcome.ExpectedSeqConflict, 0, long.Parse(message[(message.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        }

        throw new HttpRequestException($"append to {sessionId}: {(int)response.StatusCode} {root.GetRawText()}");
    }

    public async ValueTask<IReadOnlyList<PeerEvent>> ReadAsync(string sessionId, long cursor, int limit, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(
            new Uri($"/v1/sessions/{Uri.EscapeDataString(sessionId)}/events?cursor={cursor}&limit={limit}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var page = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        return page.RootElement.GetProperty("events").EnumerateArray().Select(ParseEvent).ToArray();
    }

    public Task<IPeerSubscription> SubscribeAsync(string sessionId, long cursor, CancellationToken cancellationToken) =>
        StarciteWebSocketTail.OpenAsync(Address, sessionId, cursor, cancellationToken);

    public ValueTask SeedAsync(string sessionId, int events, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        Seeding.ByAppendsAsync(this, sessionId, events, payload, maxWriters: 16, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>An event as the contract's §4 JSON; the payload keeps its raw bytes.</summary>
    internal static PeerEvent ParseEvent(JsonElement e) => new(
        e.GetProperty("seq").GetInt64(), e.GetProperty("producer_id").GetString()!, e.GetProperty("producer_seq").GetInt64(),
        System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e.GetProperty("payload")).ToArray());
}
