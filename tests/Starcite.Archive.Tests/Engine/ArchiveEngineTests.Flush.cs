namespace Starcite.Archive.Tests.Engine;

public abstract partial class ArchiveEngineTests
{
    [Fact]
    public async Task Archiver_AppendsToSeveralSessions_ArchivedSeqReachesLastSeqAndArchiveHoldsExactlyTheEvents()
    {
        string[] ids = ["ses_a", "ses_b", "ses_c", "ses_d"];
        var store = Open();
        await using var engine = await StartAsync(Options(a => a.MaxBatchEvents = 64), store);
        await CreateSessionsAsync(engine, ids);

        // Sample every session while appends run: archived_seq never goes backwards and never passes last_seq.
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var samples = ids.ToDictionary(id => id, _ => new List<(long Last, long Archived)>());
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                foreach (var id in ids)
                {
                    var session = await SessionAsync(engine, id);
                    samples[id].Add((session.LastSeq, session.ArchivedSeq));
                }

                await Task.Yield();
            }
        }, Ct);

        const int perWriter = 150;
        string[] producers = ["w1", "w2"];
        await Task.WhenAll(ids.SelectMany(id => producers.Select(producer => Task.Run(async () =>
        {
            for (var n = 1; n <= perWriter; n++)
            {
                await AppendOkAsync(engine, id, producer, n, padding: n % 7 * 40);
            }
        }, Ct))));

        await WaitArchivedAsync(engine, ids);
        await stopSampling.CancelAsync();
        await sampler;

        foreach (var id in ids)
        {
            var session = await SessionAsync(engine, id);
            Assert.Equal((2L * perWriter, 2L * perWriter), (session.LastSeq, session.ArchivedSeq));
            var seen = samples[id];
            Assert.True(seen.Count > 10, $"{id}: only {seen.Count} samples");
            Assert.Contains(seen, s => s.Archived > 0 && s.Archived < 2 * perWriter); // progress was seen part-way
            for (var i = 0; i < seen.Count; i++)
            {
                Assert.True(seen[i].Archived <= seen[i].Last, $"{id}: archived_seq {seen[i].Archived} passed last_seq {seen[i].Last}");
                var previous = i == 0 ? 0 : seen[i - 1].Archived;
                Assert.True(seen[i].Archived >= previous, $"{id}: archived_seq went back from {previous} to {seen[i].Archived}");
            }

            await AssertArchiveHoldsExactlyAsync(id, await ReadAllAsync(engine, id));
        }

        // Batched: more than one write, none over the batch limit, and the archive's session records are current.
        Assert.True(store.Confirmed.Count > 1);
        Assert.All(store.Confirmed, batch => Assert.True(batch.Sum(w => w.Events.Count) <= 64));
        var records = (await Open().ListSessionsAsync(null, 100, Ct)).Sessions;
        Assert.Equal(ids, records.Select(r => r.Id));
        Assert.All(records, r => Assert.Equal((2L * perWriter, 2L * perWriter), (r.LastSeq, r.ArchivedSeq)));
    }
}
