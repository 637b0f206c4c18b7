using Starcite.Sessions;

namespace Starcite.Tests.TestSupport;

/// <summary>Reads a session's whole history through the public read path.</summary>
public static class StoredEvents
{
    public static async Task<List<SessionEvent>> ReadAllAsync(this StarciteEngine engine, string sessionId, CancellationToken cancellationToken)
    {
        var events = new List<SessionEvent>();
        while (true)
        {
            var page = await engine.ReadEventsAsync(sessionId, events.Count == 0 ? 0 : events[^1].Seq, StarciteEngine.MaxPageLimit, cancellationToken);
            events.AddRange(page.Events);
            if (page.Events.Count == 0 || page.NextCursor >= page.LastSeq)
            {
                return events;
            }
        }
    }
}
