namespace Starcite.Server.Tests.TestSupport;

/// <summary>Append bodies and helpers for the tail tests.</summary>
public static class Appends
{
    public static string Body(string producerId, long producerSeq, string text = "hi") =>
        $$"""{"type":"content","payload":{"text":"{{text}}","n":{{producerSeq}}},"actor":"agent:test","producer_id":"{{producerId}}","producer_seq":{{producerSeq}}}""";

    /// <summary>Creates a session and appends <paramref name="count"/> events from one producer; returns the session id.</summary>
    public static async Task<string> CreateWithEventsAsync(this ServerHost server, int count, string sessionId = "ses_tail")
    {
        (await server.PostJsonAsync("/v1/sessions", $$"""{"id":"{{sessionId}}"}""")).EnsureSuccessStatusCode();
        await server.AppendManyAsync(sessionId, "p1", 1, count);
        return sessionId;
    }

    /// <summary>Appends producer_seq <paramref name="from"/> .. from + count - 1 of one producer, one at a time.</summary>
    public static async Task AppendManyAsync(this ServerHost server, string sessionId, string producerId, long from, int count, string text = "hi")
    {
        for (var i = 0; i < count; i++)
        {
            var response = await server.PostJsonAsync($"/v1/sessions/{sessionId}/append", Body(producerId, from + i, text));
            response.EnsureSuccessStatusCode();
        }
    }
}
