namespace Starcite.Benchmarks.Peers.Support;

/// <summary>Seeds a session through the ordinary append path, with several producers in parallel.</summary>
internal static class Seeding
{
    /// <summary>Up to <paramref name="maxWriters"/> producers, one per 1,000 events: a small session is seeded by one.</summary>
    public static async ValueTask ByAppendsAsync(IPeerClient client, string sessionId, int events, ReadOnlyMemory<byte> payload, int maxWriters, CancellationToken cancellationToken)
    {
        var writers = Math.Clamp(events / 1000, 1, maxWriters);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = events / writers + (w < events % writers ? 1 : 0);
            for (var n = 1; n <= mine; n++)
            {
                var result = await client.AppendAsync(sessionId, new PeerAppend($"seed-{w}", n, null, payload), cancellationToken).ConfigureAwait(false);
                if (result.Outcome != PeerOutcome.Appended)
                {
                    throw new InvalidOperationException($"seeding {sessionId}: {result.Outcome}");
                }
            }
        }, cancellationToken))).ConfigureAwait(false);
    }
}
