using System.Text;
using System.Text.Json.Nodes;
using Starcite.Sessions;

namespace Starcite.Tests.TestSupport;

/// <summary>Reads a session's whole history and renders stored JSON for assertions.</summary>
public static class History
{
    public static async Task<IReadOnlyList<SessionEvent>> ReadAllAsync(this StarciteEngine engine, string sessionId)
    {
        var ct = TestContext.Current.CancellationToken;
        var events = new List<SessionEvent>();
        var cursor = 0L;
        while (true)
        {
            var page = await engine.ReadEventsAsync(sessionId, cursor, StarciteEngine.MaxPageLimit, ct);
            if (page.Events.Count == 0)
            {
                return events;
            }

            events.AddRange(page.Events);
            cursor = page.NextCursor;
        }
    }

    /// <summary>The stored UTF-8 JSON as text.</summary>
    public static string Text(ReadOnlyMemory<byte> json) => Encoding.UTF8.GetString(json.Span);

    /// <summary>True when both JSON texts mean the same value.</summary>
    public static bool SameJson(string expected, ReadOnlyMemory<byte> actual) =>
        JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual.Span));
}
