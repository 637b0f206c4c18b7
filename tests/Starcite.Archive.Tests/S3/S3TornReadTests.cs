using Starcite.Archive.S3;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.S3;

/// <summary>
/// How the S3 store re-reads objects that come back torn, against <see cref="FakeS3Server"/>, which answers torn on
/// demand the ways s3rver does by chance when a GET overlaps a PUT of the same key.
/// </summary>
public sealed class S3TornReadTests : IAsyncLifetime
{
    private const string Prefix = "p/";
    private const string ChunkKey = Prefix + "events/ses5a/0000000000000000001.ndjson";

    private FakeS3Server _server = null!;
    private int _getsBefore;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeS3Server.StartAsync();
        await using var writer = new S3ArchiveStore(Options());
        await writer.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], Ct);
        _getsBefore = _server.Gets(ChunkKey); // the writer's own (a 404 before it stored the chunk)
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ReadEventsAsync_EmptyETagOnEveryAttemptButTheLast_ReadsTheChunk()
    {
        // The SDK parses a plain ETag as the body's MD5; "" makes it throw ArgumentOutOfRangeException ('hex').
        _server.TearNextGets(ChunkKey, S3ArchiveStore.ReadAttempts - 1, FakeS3Server.Tear.EmptyETag);
        var time = new InstantTimers();
        await using var store = new S3ArchiveStore(Options(), timeProvider: time);

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 3), await store.ReadEventsAsync("ses_a", 0, 10, Ct));
        Assert.Equal(S3ArchiveStore.ReadAttempts, ChunkGets);
        AssertBackoff(time.Waits, S3ArchiveStore.ReadAttempts - 1);
    }

    [Fact]
    public async Task ReadEventsAsync_InternalErrorBeyondTheSdkRetries_ReadsTheChunk()
    {
        _server.TearNextGets(ChunkKey, 3, FakeS3Server.Tear.InternalError); // MaxErrorRetry = 0: the SDK gives up on each
        await using var store = new S3ArchiveStore(Options(), timeProvider: new InstantTimers());

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 3), await store.ReadEventsAsync("ses_a", 0, 10, Ct));
        Assert.Equal(4, ChunkGets);
    }

    [Fact]
    public async Task ReadEventsAsync_TornOnEveryAttempt_ThrowsIOExceptionNamingTheKey()
    {
        _server.TearNextGets(ChunkKey, 1000, FakeS3Server.Tear.EmptyETag);
        var time = new InstantTimers();
        await using var store = new S3ArchiveStore(Options(), timeProvider: time);

        var e = await Assert.ThrowsAsync<IOException>(async () => await store.ReadEventsAsync("ses_a", 0, 10, Ct));
        Assert.Contains(ChunkKey, e.Message, StringComparison.Ordinal);
        Assert.Equal("hex", Assert.IsType<ArgumentOutOfRangeException>(e.InnerException).ParamName);
        Assert.Equal(S3ArchiveStore.ReadAttempts, ChunkGets);
        AssertBackoff(time.Waits, S3ArchiveStore.ReadAttempts - 1);

        // Long enough to outlast a burst of rewrites of one chunk, which 150 ms (the budget before) did not.
        Assert.True(time.Waits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait) >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ReadEventsAsync_WholeBodyThatDoesNotParse_ThrowsWithoutReadingItAgain()
    {
        _server.Put(ChunkKey, "{\"seq\":1,\"type\":"u8.ToArray());
        await using var store = new S3ArchiveStore(Options(), timeProvider: new InstantTimers());

        await Assert.ThrowsAsync<InvalidDataException>(async () => await store.ReadEventsAsync("ses_a", 0, 10, Ct));
        Assert.Equal(1, ChunkGets); // its MD5 matched: it is stored that way, a re-read cannot help
    }

    /// <summary>GETs of the chunk since the test's writer stored it.</summary>
    private int ChunkGets => _server.Gets(ChunkKey) - _getsBefore;

    /// <summary>One wait per torn read but the last, each between half and all of a ceiling that doubles up to the maximum.</summary>
    private static void AssertBackoff(IReadOnlyList<TimeSpan> waits, int count)
    {
        Assert.Equal(count, waits.Count);
        for (var i = 0; i < count; i++)
        {
            var ceiling = S3ArchiveStore.FirstTornReadBackoff * Math.Pow(2, i);
            ceiling = ceiling < S3ArchiveStore.MaxTornReadBackoff ? ceiling : S3ArchiveStore.MaxTornReadBackoff;
            Assert.InRange(waits[i], ceiling / 2, ceiling);
        }
    }

    private S3ArchiveOptions Options() => new()
    {
        Bucket = FakeS3Server.Bucket,
        Endpoint = _server.Url,
        AccessKeyId = "fake",
        SecretAccessKey = "fake",
        ForcePathStyle = true,
        Prefix = Prefix,
        EventsPerChunk = 10,
        MaxErrorRetry = 0,
    };
}
