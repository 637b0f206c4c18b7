using System.Net.Http.Headers;
using System.Text.Json;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>One Server-Sent Events message: its id, event name and data; or a comment line.</summary>
public sealed record SseMessage(string? Id, string? Event, string? Data, string? Comment)
{
    public JsonElement Json => JsonDocument.Parse(Data!).RootElement.Clone();
}

/// <summary>Reads a real <c>text/event-stream</c> response message by message.</summary>
public sealed class SseClient : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    /// <summary>GET with <c>Accept: text/event-stream</c> (and <c>Last-Event-ID</c> when given); returns once headers arrive.</summary>
    public static Task<HttpResponseMessage> GetAsync(ServerHost server, string pathAndQuery, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    public static async Task<SseClient> OpenAsync(ServerHost server, string pathAndQuery, string? lastEventId = null)
    {
        var response = await GetAsync(server, pathAndQuery, lastEventId);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseClient(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Reads a stream whose request the test sent itself (with its own headers).</summary>
    public static async Task<SseClient> FromResponseAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseClient(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The next message or comment, or null at the end of the stream.</summary>
    public async Task<SseMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        string? id = null, name = null, data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null || name is not null || data is not null)
                {
                    return new SseMessage(id, name, data, null);
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                return new SseMessage(null, null, null, line[1..].Trim());
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
            }
        }

        return null;
    }

    /// <summary>Reads event messages (skipping comments) until <paramref name="count"/> arrived.</summary>
    public async Task<List<SseMessage>> ReadEventsAsync(int count, CancellationToken cancellationToken)
    {
        var events = new List<SseMessage>(count);
        while (events.Count < count)
        {
            var message = await ReadAsync(cancellationToken) ?? throw new InvalidOperationException($"The stream ended after {events.Count} of {count} events.");
            if (message.Comment is null)
            {
                events.Add(message);
            }
        }

        return events;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
