using Starcite.CrashWriter;
using Starcite.Sessions;
using Starcite.Storage.Codec;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Recovery;

/// <summary>
/// House style §16: a torn, cut or scribbled tail of the log. The engine must open, recover each session as a gap-free
/// prefix 1..m of what was written, with intact content, up to the last commit record the damage left whole, and
/// continue at m + 1, also across a further restart.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TornTailTests(KilledWriterFixture killed) : IClassFixture<KilledWriterFixture>
{
    private const int Sessions = 4;
    private const int EventsPerSession = 800;

    /// <summary>
    /// Damage near the tail, above or below FasterLog's commit metadata.
    /// </summary>
    public static TheoryData<LogDamage> Damages() => [.. Enum.GetValues<LogDamage>()];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task Open_DamagedTailAfterKill_RecoversCleanPrefixAndContinues(LogDamage damage)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var written = killed.CopyTo(dir.Path);
        await DamageReopenAndVerifyAsync(damage, CrashWriterOptions.Create(dir.Path, smallSegments: true), written, ct);
    }

    /// <summary>After a clean shutdown the last segment file ends in sector padding; cutting into it loses nothing.</summary>
    [Fact]
    public async Task Open_PaddingCutAfterDispose_KeepsEverythingAndContinues()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var options = CrashWriterOptions.Create(dir.Path, smallSegments: true);
        var written = await WriteAndDisposeAsync(options, ct);

        // Records are 4-byte aligned, so the data may end exactly on a sector: then append one more event and close again.
        var extra = 0;
        while (SectorPadding(options) < 3)
        {
            Assert.True(++extra < 10, "The log keeps ending on a sector boundary.");
            await using var engine = await StarciteEngine.StartAsync(options, cancellationToken: ct);
            var result = await engine.AppendAsync(CrashEvents.SessionId(0), CrashEvents.Request("padding", extra), ct);
            written.Set(CrashEvents.SessionId(0), result.Seq, "padding", extra);
        }

        await DamageReopenAndVerifyAsync(LogDamage.CutFewBytes, options, written, ct);
        Assert.All(written.SessionIds, sessionId => Assert.Equal(EventsPerSession + 1 + (sessionId == CrashEvents.SessionId(0) ? extra : 0), written.Count(sessionId)));
    }

    private static long SectorPadding(StarciteOptions options)
    {
        var entries = LogFiles.Entries(options.DataDirectory, options.Storage.PageSize, options.Storage.SegmentSize);
        return LogFiles.DataLength(LogFiles.LastSegment(options.DataDirectory)) - (entries[^1].End % options.Storage.SegmentSize);
    }

    /// <summary>
    /// Damages the log, reopens, and checks every session against what was written and against the last commit record
    /// the damage left whole; appends one event per session and checks again after another restart.
    /// </summary>
    internal static async Task DamageReopenAndVerifyAsync(LogDamage damage, StarciteOptions options, WrittenEvents written, CancellationToken ct)
    {
        var entries = LogFiles.Entries(options.DataDirectory, options.Storage.PageSize, options.Storage.SegmentSize);
        var before = LogFiles.Describe(options.DataDirectory);
        var damagedFrom = LogFiles.Damage(damage, options.DataDirectory, options.Storage.SegmentSize, entries);
        var lastWholeCommit = entries.Last(e => e.IsCommit && e.End <= damagedFrom);
        // Damage below FasterLog's commit metadata is handled too: the engine drops metadata that claims more than the
        // files hold, so either way the log ends at the last commit record the damage left whole.
        var metadataUntil = LogFiles.MetadataUntilAddress(options.DataDirectory);
        var expected = ExpectedLastSeqs(entries, lastWholeCommit.CommitUntilAddress);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"metadata until {metadataUntil}; before: {before}; {entries.Count} entries up to {entries[^1].End}; after {damage}: {LogFiles.Describe(options.DataDirectory)}; " +
            $"damaged from {damagedFrom}; last whole commit until {lastWholeCommit.CommitUntilAddress}; expected last_seq " +
            string.Join(", ", expected.Select(pair => $"{pair.Key}={pair.Value}")));

        await using (var engine = await StarciteEngine.StartAsync(options, cancellationToken: ct))
        {
            foreach (var sessionId in written.SessionIds)
            {
                var lastSeq = await VerifyPrefixAsync(engine, sessionId, written, ct);
                Assert.Equal(expected.GetValueOrDefault(sessionId), lastSeq);
                var next = await engine.AppendAsync(sessionId, CrashEvents.Request("after-damage", 1), ct);
                Assert.Equal(new AppendResult(AppendStatus.Appended, lastSeq + 1, lastSeq + 1), next);
                written.Set(sessionId, next.Seq, "after-damage", 1);
            }
        }

        // The appends made after the damage survive another restart, and nothing cut off reappears.
        await using (var engine = await StarciteEngine.StartAsync(options, cancellationToken: ct))
        {
            foreach (var sessionId in written.SessionIds)
            {
                Assert.Equal(expected.GetValueOrDefault(sessionId) + 1, await VerifyPrefixAsync(engine, sessionId, written, ct));
            }
        }
    }

    /// <summary>Appends 800 events to each of four sessions (two segment files) from concurrent writers, then disposes cleanly.</summary>
    internal static async Task<WrittenEvents> WriteAndDisposeAsync(StarciteOptions options, CancellationToken ct)
    {
        var written = new WrittenEvents();
        await using var engine = await StarciteEngine.StartAsync(options, cancellationToken: ct);
        var sessionIds = Enumerable.Range(0, Sessions).Select(CrashEvents.SessionId).ToList();
        foreach (var sessionId in sessionIds)
        {
            await engine.CreateSessionAsync(new CreateSessionRequest { Id = sessionId }, ct);
            written.AddSession(sessionId);
        }

        // Two producers per session, so their appends interleave.
        await Task.WhenAll(Enumerable.Range(0, 2 * Sessions).Select(writer => Task.Run(
            async () =>
            {
                var producerId = $"w{writer}";
                var sessionId = sessionIds[writer % Sessions];
                for (var producerSeq = 1; producerSeq <= EventsPerSession / 2; producerSeq++)
                {
                    var result = await engine.AppendAsync(sessionId, CrashEvents.Request(producerId, producerSeq), ct);
                    Assert.Equal(AppendStatus.Appended, result.Status);
                    written.Set(sessionId, result.Seq, producerId, producerSeq);
                }
            },
            ct)));
        return written;
    }

    /// <summary>Each session's highest seq among the event records below <paramref name="untilAddress"/>.</summary>
    private static Dictionary<string, long> ExpectedLastSeqs(IReadOnlyList<LogEntry> entries, long untilAddress)
    {
        var ids = new Dictionary<long, string>();
        var lastSeqs = new Dictionary<string, long>();
        foreach (var entry in entries.Where(e => !e.IsCommit && e.Address < untilAddress))
        {
            if (RecordCodec.ReadKind(entry.Payload) == RecordKind.SessionCreated)
            {
                var header = RecordCodec.ReadSessionCreated(entry.Payload);
                ids[header.Number] = header.Id;
                lastSeqs[header.Id] = 0;
            }
            else
            {
                var header = RecordCodec.ReadEventHeader(entry.Payload);
                lastSeqs[ids[header.SessionNumber]] = Math.Max(lastSeqs[ids[header.SessionNumber]], header.Seq);
            }
        }

        return lastSeqs;
    }

    /// <summary>Checks that the session is exactly 1..last_seq with the content written at each seq; returns last_seq.</summary>
    private static async Task<long> VerifyPrefixAsync(StarciteEngine engine, string sessionId, WrittenEvents written, CancellationToken ct)
    {
        var info = await engine.GetSessionAsync(sessionId, ct);
        Assert.NotNull(info);
        var events = await engine.ReadAllAsync(sessionId, ct);
        Assert.Equal(info.LastSeq, events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(i + 1, events[i].Seq);
            Assert.Null(CrashEvents.Mismatch(events[i]));
            if (written.TryGet(sessionId, events[i].Seq, out var expected))
            {
                Assert.Equal(expected, (events[i].ProducerId, events[i].ProducerSeq));
            }
        }

        return info.LastSeq;
    }
}
