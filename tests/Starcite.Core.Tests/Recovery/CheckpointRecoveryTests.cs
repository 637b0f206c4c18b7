using Starcite.CrashWriter;
using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Recovery;

/// <summary>
/// Checkpoints bound restart time: a restart replays only the records logged after the newest checkpoint (observed
/// through the EngineStarted message's ReplayedRecords), and a crash right after a checkpoint loses nothing.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CheckpointRecoveryTests
{
    private const int EngineStarted = 1000;
    private const int CheckpointCompleted = 1102;
    private const int Sessions = 4;

    [Fact]
    public async Task Restart_CrashImageAfterCheckpoint_ReplaysOnlyRecordsLoggedSince()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        using var crashImage = new TempDirectory();
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await WriteAsync(engine, producer: "before", events: 1000, ct);
            await engine.CheckpointAsync(ct);
            await WriteAsync(engine, producer: "after", events: 28, ct);

            // Every append is durable and nothing is in flight: a copy now is what kill -9 would leave behind.
            DirectoryCopy.Copy(dir.Path, crashImage.Path);
        }

        var logs = new CapturingLoggerFactory();
        await using (var engine = await StarciteEngine.StartAsync(Engines.Options(crashImage.Path), logs, cancellationToken: ct))
        {
            Assert.Equal(28, ReplayedRecords(logs));
            await VerifyAsync(engine, expectedPerSession: (1000 + 28) / Sessions, ct);
        }
    }

    [Fact]
    public async Task Restart_CrashImageWithoutCheckpoint_ReplaysWholeLog()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        using var crashImage = new TempDirectory();
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await WriteAsync(engine, producer: "only", events: 1000, ct);
            DirectoryCopy.Copy(dir.Path, crashImage.Path);
        }

        var logs = new CapturingLoggerFactory();
        await using (var engine = await StarciteEngine.StartAsync(Engines.Options(crashImage.Path), logs, cancellationToken: ct))
        {
            Assert.Equal(Sessions + 1000, ReplayedRecords(logs)); // the creations and every event
            await VerifyAsync(engine, expectedPerSession: 1000 / Sessions, ct);
        }

        // Recovery checkpointed what it replayed: the next restart replays nothing.
        logs = new CapturingLoggerFactory();
        await using (var engine = await StarciteEngine.StartAsync(Engines.Options(crashImage.Path), logs, cancellationToken: ct))
        {
            Assert.Equal(0, ReplayedRecords(logs));
        }
    }

    [Fact]
    public async Task Restart_AfterDispose_ReplaysNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await WriteAsync(engine, producer: "p", events: 400, ct);
        }

        var logs = new CapturingLoggerFactory();
        await using var reopened = await StarciteEngine.StartAsync(Engines.Options(dir.Path), logs, cancellationToken: ct);
        Assert.Equal(0, ReplayedRecords(logs));
        await VerifyAsync(reopened, expectedPerSession: 400 / Sessions, ct);
    }

    /// <summary>
    /// The crash writer checkpoints every second while writing; it is killed a random number of acks after a checkpoint
    /// completed. Every ack survives, and the restart replays exactly the records after the newest snapshot.
    /// </summary>
    [Fact]
    public async Task KillRightAfterCheckpoint_MoreAckedWrites_LosesNothingAndReplaysOnlyTheTail()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}");
        var ledger = new AckLedger();
        var sessionIds = Enumerable.Range(0, Sessions).Select(CrashEvents.SessionId).ToList();
        for (var run = 1; run <= 3; run++)
        {
            IReadOnlyList<AckLine> acks;
            var extraAcks = random.Next(0, 300);
            await using (var writer = CrashWriterProcess.Start(dir.Path, run, Sessions, writers: 8, checkpointSeconds: 1))
            {
                await writer.WaitForReadyAsync(ct);
                await writer.WaitForAcksAsync(200, ct);
                await writer.WaitForLogAsync(CheckpointCompleted, afterLogs: writer.Logs.Count, ct);
                await writer.WaitForAcksAsync(writer.AckCount + extraAcks, ct);
                acks = await writer.KillAsync(ct);
            }

            ledger.Add(acks);
            var options = CrashWriterOptions.Create(dir.Path);
            var entries = LogFiles.Entries(dir.Path, options.Storage.PageSize, options.Storage.SegmentSize);
            var covered = LogFiles.SnapshotCoveredAddress(dir.Path);
            var expectedReplay = LogFiles.CommittedRecordsFrom(entries, covered);
            var total = LogFiles.CommittedRecordsFrom(entries, 0);
            TestContext.Current.TestOutputHelper?.WriteLine($"run {run}: {acks.Count} acks, killed {extraAcks} acks after a checkpoint; snapshot covers {covered}; {expectedReplay} of {total} records after it");

            var logs = new CapturingLoggerFactory();
            await using var engine = await StarciteEngine.StartAsync(options, logs, cancellationToken: ct);
            Assert.Equal(expectedReplay, ReplayedRecords(logs));
            Assert.True(expectedReplay < total, $"The snapshot at {covered} bounds nothing: {expectedReplay} of {total} records replayed.");
            await ledger.VerifyAsync(engine, sessionIds, ct);
        }
    }

    private static long ReplayedRecords(CapturingLoggerFactory logs) => Assert.Single(logs.WithEventId(EngineStarted)).Number("ReplayedRecords");

    private static async Task WriteAsync(StarciteEngine engine, string producer, int events, CancellationToken ct)
    {
        for (var i = 0; i < Sessions; i++)
        {
            if ((await engine.GetSessionAsync(CrashEvents.SessionId(i), ct)) is null)
            {
                await engine.CreateSessionAsync(new CreateSessionRequest { Id = CrashEvents.SessionId(i) }, ct);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Sessions).Select(session => Task.Run(
            async () =>
            {
                for (var producerSeq = 1; producerSeq <= events / Sessions; producerSeq++)
                {
                    var result = await engine.AppendAsync(CrashEvents.SessionId(session), CrashEvents.Request(producer, producerSeq), ct);
                    Assert.Equal(AppendStatus.Appended, result.Status);
                }
            },
            ct)));
    }

    private static async Task VerifyAsync(StarciteEngine engine, int expectedPerSession, CancellationToken ct)
    {
        for (var i = 0; i < Sessions; i++)
        {
            var sessionId = CrashEvents.SessionId(i);
            var events = await engine.ReadAllAsync(sessionId, ct);
            Assert.Equal(Enumerable.Range(1, expectedPerSession).Select(seq => (long)seq), events.Select(e => e.Seq));
            Assert.All(events, e => Assert.Null(CrashEvents.Mismatch(e)));
            var next = await engine.AppendAsync(sessionId, CrashEvents.Request("next", 1), ct);
            Assert.Equal(new AppendResult(AppendStatus.Appended, expectedPerSession + 1, expectedPerSession + 1), next);
        }
    }
}
