using Starcite.Sessions;
using Starcite.Tailing;

namespace Starcite.Tests.TestSupport;

/// <summary>Helpers to drive tails and writers in tests, always bounded by a timeout rather than by sleeping.</summary>
public static class Tails
{
    /// <summary>How long any single wait in a tail test may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads exactly <paramref name="count"/> events, or fewer when the tail ends first. Fails the test (by cancelling)
    /// when they do not arrive within <see cref="Timeout"/>.
    /// </summary>
    public static async Task<List<SessionEvent>> ReadAsync(SessionTail tail, int count, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var events = new List<SessionEvent>(count);
        while (events.Count < count)
        {
            while (events.Count < count && tail.TryRead(out var item))
            {
                events.Add(item);
            }

            if (events.Count < count && !await tail.WaitToReadAsync(timeout.Token))
            {
                break;
            }
        }

        return events;
    }

    /// <summary>Reads until the tail ends (the engine closed), bounded by <see cref="Timeout"/>.</summary>
    public static async Task<List<SessionEvent>> DrainAsync(SessionTail tail, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var events = new List<SessionEvent>();
        await foreach (var item in tail.ReadAllAsync(timeout.Token))
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>Appends <paramref name="count"/> events as one producer, one after another, asserting each is appended.</summary>
    public static async Task AppendAsync(StarciteEngine engine, string sessionId, string producer, long firstProducerSeq, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var result = await engine.AppendAsync(sessionId, Engines.Event(producer, firstProducerSeq + i), cancellationToken);
            Assert.Equal(AppendStatus.Appended, result.Status);
        }
    }

    /// <summary>Appends <paramref name="total"/> events split over <paramref name="writers"/> concurrent producers.</summary>
    public static Task AppendConcurrentlyAsync(StarciteEngine engine, string sessionId, int writers, int total, CancellationToken cancellationToken, string producerPrefix = "w")
    {
        var tasks = new Task[writers];
        for (var w = 0; w < writers; w++)
        {
            var share = (total / writers) + (w < total % writers ? 1 : 0);
            var producer = $"{producerPrefix}{w}";
            tasks[w] = Task.Run(() => AppendAsync(engine, sessionId, producer, 1, share, cancellationToken), cancellationToken);
        }

        return Task.WhenAll(tasks);
    }

    /// <summary>Asserts the events are exactly seq <paramref name="from"/>..<paramref name="to"/> of the session, in order.</summary>
    public static void AssertSeqs(IReadOnlyList<SessionEvent> events, string sessionId, long from, long to)
    {
        var expectedCount = (int)Math.Max(0, to - from + 1);
        for (var i = 0; i < events.Count; i++)
        {
            var expected = from + i;
            if (events[i].Seq != expected || events[i].SessionId != sessionId)
            {
                Assert.Fail($"Event #{i}: expected seq {expected} of {sessionId}, got seq {events[i].Seq} of {events[i].SessionId} "
                    + $"(received {events.Count} events, expected {expectedCount}: {from}..{to}).");
            }
        }

        Assert.Equal(expectedCount, events.Count);
    }

    /// <summary>Asserts the events carry the same content the history read returns for the same seqs.</summary>
    public static async Task AssertMatchesHistoryAsync(StarciteEngine engine, string sessionId, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var cursor = events[0].Seq - 1;
        var index = 0;
        while (index < events.Count)
        {
            var page = await engine.ReadEventsAsync(sessionId, cursor, StarciteEngine.MaxPageLimit, cancellationToken);
            Assert.NotEmpty(page.Events);
            foreach (var stored in page.Events)
            {
                if (index == events.Count)
                {
                    break;
                }

                var seen = events[index++];
                Assert.Equal(stored.Seq, seen.Seq);
                Assert.Equal(stored.ProducerId, seen.ProducerId);
                Assert.Equal(stored.ProducerSeq, seen.ProducerSeq);
                Assert.Equal(stored.Type, seen.Type);
                Assert.Equal(stored.InsertedAt, seen.InsertedAt);
                Assert.True(stored.Payload.Span.SequenceEqual(seen.Payload.Span), $"Payload of seq {seen.Seq} differs from history.");
            }

            cursor = page.NextCursor;
        }
    }
}
