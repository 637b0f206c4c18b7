// The embedded quick start quoted in README.md: open an engine, create a session, append, read, tail.
using System.Text.Json;
using Starcite;
using Starcite.Sessions;

var dataDirectory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "starcite-sample");

// begin-snippet: embedded-quickstart
await using var engine = await StarciteEngine.StartAsync(new StarciteOptions { DataDirectory = dataDirectory });

var created = await engine.CreateSessionAsync(new CreateSessionRequest
{
    Title = "Draft contract",
    Metadata = JsonSerializer.SerializeToUtf8Bytes(new { tenant_id = "acme" }),
});
var sessionId = created.Session.Id;

// Durable before it returns; a retry with the same (producer_id, producer_seq) is answered with the original seq.
var appended = await engine.AppendAsync(sessionId, new AppendRequest
{
    Type = "content",
    Payload = JsonSerializer.SerializeToUtf8Bytes(new { text = "Reviewing clause 4.2..." }),
    Actor = "agent:drafter",
    ProducerId = "drafter-1",
    ProducerSeq = 1,
    ExpectedSeq = 0, // only if the session is still empty
});
Console.WriteLine($"appended seq={appended.Seq} last_seq={appended.LastSeq} deduped={appended.Deduped}");

var page = await engine.ReadEventsAsync(sessionId, cursor: 0, limit: 100);
Console.WriteLine($"history: {page.Events.Count} event(s), last_seq={page.LastSeq}");

// A tail replays from a cursor, then continues live, with no gap and no duplicate.
await using var tail = engine.OpenTail(sessionId, cursor: 0);
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
var writer = Task.Run(async () =>
{
    for (var producerSeq = 2; producerSeq <= 3; producerSeq++)
    {
        await engine.AppendAsync(sessionId, new AppendRequest
        {
            Type = "content",
            Payload = JsonSerializer.SerializeToUtf8Bytes(new { text = $"step {producerSeq}" }),
            Actor = "agent:drafter",
            ProducerId = "drafter-1",
            ProducerSeq = producerSeq,
        });
    }
});

await foreach (var evt in tail.ReadAllAsync(stop.Token))
{
    Console.WriteLine($"tail: seq={evt.Seq} type={evt.Type} payload={JsonSerializer.Deserialize<JsonElement>(evt.Payload.Span)}");
    if (evt.Seq == 3)
    {
        break;
    }
}

await writer;
// end-snippet
