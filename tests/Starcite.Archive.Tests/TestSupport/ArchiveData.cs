using System.Text;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>Events and session records with every field exercised, so a round trip proves each one.</summary>
public static class ArchiveData
{
    /// <summary>A fixed instant with microseconds, so a store that drops or rounds them is caught.</summary>
    public static readonly DateTimeOffset Epoch = new DateTimeOffset(2026, 2, 20, 10, 11, 12, TimeSpan.Zero).AddTicks(1_234_560);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Event <paramref name="seq"/>: optional fields alternate between null and set, payloads vary in shape.</summary>
    public static SessionEvent Event(string sessionId, long seq, int payloadBytes = 0)
    {
        var payload = payloadBytes > 0
            ? Utf8($$"""{"seq":{{seq}},"text":"{{new string((char)('a' + (seq % 26)), Math.Max(0, payloadBytes - 24))}}"}""")
            : Utf8(seq % 3 == 0
                ? $$$"""{"text":"caf\u00e9 \"quoted\" \\ line\nbreak","n":{{{seq}}},"big":1.5e300,"nested":{"a":[1,{"b":null}]}}"""
                : $$"""{"text":"naïve 🌍 {{seq}}","empty":{},"list":[],"t":true,"f":false}""");
        return new SessionEvent(
            sessionId,
            seq,
            seq % 5 == 0 ? "tool.call" : "content",
            payload,
            seq % 2 == 0 ? "agent:drafter" : "user:Zoë",
            $"producer-{seq % 3}",
            1000 + seq,
            seq % 2 == 0 ? null : "agent",
            seq % 4 == 0 ? Utf8("{}") : Utf8($$"""{"trace":"t-{{seq}}","w":[1,2]}"""),
            seq % 3 == 0 ? Utf8("{}") : Utf8($$"""{"reply_to":{{seq - 1}}}"""),
            seq % 3 == 1 ? null : $"idem-{seq}",
            Epoch.AddTicks(seq * 12_340)); // whole microseconds, different for every event
    }

    public static List<SessionEvent> Events(string sessionId, long from, long to, int payloadBytes = 0)
    {
        var events = new List<SessionEvent>();
        for (var seq = from; seq <= to; seq++)
        {
            events.Add(Event(sessionId, seq, payloadBytes));
        }

        return events;
    }

    public static SessionInfo Session(string id, long lastSeq, string? title = "Draft contract", Principal? creator = null) => new(
        id,
        title,
        Utf8($$"""{"tenant_id":"acme","labels":["a","b"],"n":{{lastSeq}}}"""),
        creator ?? new Principal("acme", "user-42", PrincipalType.User),
        lastSeq,
        lastSeq,
        Epoch.AddTicks(-10),
        Epoch.AddTicks(lastSeq * 12_340));

    public static ArchiveWrite Write(string id, long from, long to, int payloadBytes = 0) =>
        new(Session(id, to), from > to ? [] : Events(id, from, to, payloadBytes));
}
