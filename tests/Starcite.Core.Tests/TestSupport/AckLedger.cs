using Starcite.CrashWriter;
using Starcite.Sessions;

namespace Starcite.Tests.TestSupport;

/// <summary>
/// Every append ever acknowledged on one data directory, across crashes, and the checks a reopened engine must pass:
/// each acknowledged (session, seq) holds the acknowledged producer event, every session is exactly 1..last_seq with
/// content that matches <see cref="CrashEvents"/>, and only in-flight appends (one per producer) may exist unacknowledged.
/// </summary>
public sealed class AckLedger
{
    private readonly Dictionary<(string Session, long Seq), AckLine> _bySeq = [];

    public int Count => _bySeq.Count;

    public IEnumerable<AckLine> All => _bySeq.Values;

    public bool Contains(string sessionId, long seq) => _bySeq.ContainsKey((sessionId, seq));

    /// <summary>Adds acks; a seq acknowledged twice for different events means an acknowledged event was lost and its seq reused.</summary>
    public void Add(IEnumerable<AckLine> acks)
    {
        foreach (var ack in acks)
        {
            if (_bySeq.TryGetValue((ack.SessionId, ack.Seq), out var earlier))
            {
                Assert.Fail($"{ack.SessionId} seq {ack.Seq} was acknowledged twice: {earlier} and {ack}");
            }

            _bySeq.Add((ack.SessionId, ack.Seq), ack);
        }
    }

    /// <summary>Checks <paramref name="engine"/> against every ack; returns each session's last_seq.</summary>
    public async Task<Dictionary<string, long>> VerifyAsync(StarciteEngine engine, IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        var lastSeqs = new Dictionary<string, long>();
        var unacknowledged = new List<SessionEvent>();
        foreach (var sessionId in sessionIds)
        {
            var info = await engine.GetSessionAsync(sessionId, cancellationToken);
            Assert.NotNull(info);
            var events = await engine.ReadAllAsync(sessionId, cancellationToken);
            Assert.Equal(info.LastSeq, events.Count);
            var producerSeqs = new Dictionary<string, long>();
            for (var i = 0; i < events.Count; i++)
            {
                var stored = events[i];
                Assert.Equal(i + 1, stored.Seq);
                Assert.Equal(sessionId, stored.SessionId);
                Assert.Null(CrashEvents.Mismatch(stored));

                // Each producer starts at 1 in every session and sends n + 1 only after n was acknowledged.
                var expectedProducerSeq = producerSeqs.GetValueOrDefault(stored.ProducerId) + 1;
                Assert.True(stored.ProducerSeq == expectedProducerSeq, $"{sessionId} seq {stored.Seq}: producer {stored.ProducerId} seq {stored.ProducerSeq}, expected {expectedProducerSeq}");
                producerSeqs[stored.ProducerId] = stored.ProducerSeq;

                if (_bySeq.TryGetValue((sessionId, stored.Seq), out var ack))
                {
                    Assert.Equal((ack.ProducerId, ack.ProducerSeq), (stored.ProducerId, stored.ProducerSeq));
                }
                else
                {
                    unacknowledged.Add(stored);
                }
            }

            var highestAcked = _bySeq.Keys.Where(key => key.Session == sessionId).Select(key => key.Seq).DefaultIfEmpty(0).Max();
            Assert.True(info.LastSeq >= highestAcked, $"{sessionId}: last_seq {info.LastSeq} is below the highest acknowledged seq {highestAcked}");
            lastSeqs[sessionId] = info.LastSeq;
        }

        // Writers have one append in flight at a time, so at most one unacknowledged event per producer survives, and
        // it must be that producer's newest event in its session.
        foreach (var group in unacknowledged.GroupBy(e => e.ProducerId))
        {
            Assert.True(group.Count() == 1, $"Producer {group.Key} has {group.Count()} unacknowledged events: {string.Join(", ", group.Select(e => $"{e.SessionId}#{e.Seq}"))}");
            var single = group.Single();
            Assert.DoesNotContain(_bySeq.Values, ack => ack.SessionId == single.SessionId && ack.ProducerId == single.ProducerId && ack.ProducerSeq > single.ProducerSeq);
        }

        return lastSeqs;
    }
}
