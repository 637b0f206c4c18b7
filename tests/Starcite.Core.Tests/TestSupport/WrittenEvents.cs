namespace Starcite.Tests.TestSupport;

/// <summary>What a test knows each (session, seq) holds: the producer event that was acknowledged there.</summary>
public sealed class WrittenEvents
{
    private readonly Dictionary<string, Dictionary<long, (string ProducerId, long ProducerSeq)>> _sessions = new(StringComparer.Ordinal);

    public IEnumerable<string> SessionIds => _sessions.Keys.Order(StringComparer.Ordinal);

    public void AddSession(string sessionId) => _sessions.TryAdd(sessionId, []);

    /// <summary>Records the event at (session, seq); a later event at the same seq (after damage) replaces it.</summary>
    public void Set(string sessionId, long seq, string producerId, long producerSeq)
    {
        lock (_sessions)
        {
            AddSession(sessionId);
            _sessions[sessionId][seq] = (producerId, producerSeq);
        }
    }

    public bool TryGet(string sessionId, long seq, out (string ProducerId, long ProducerSeq) written) =>
        _sessions[sessionId].TryGetValue(seq, out written);

    public int Count(string sessionId) => _sessions[sessionId].Count;

    public WrittenEvents Clone()
    {
        var clone = new WrittenEvents();
        foreach (var (sessionId, events) in _sessions)
        {
            clone._sessions[sessionId] = new Dictionary<long, (string, long)>(events);
        }

        return clone;
    }
}
