using System.Text;
using Amazon.S3;
using Microsoft.Extensions.Time.Testing;
using Starcite.Archive.S3;
using Starcite.Archive.S3.Diagnostics;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.S3;

/// <summary>What the S3 store puts in the bucket, read back byte for byte: a 200 from the server proves nothing
/// (s3rver stores aws-chunked framing verbatim when the client sends it).</summary>
[Trait("Category", "Integration")]
public sealed class S3ObjectLayoutTests : IAsyncDisposable
{
    private readonly S3Prefix _prefix = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_TwoEvents_StoresExactlyTheLayoutRecordAndChunkBytes()
    {
        var at = new DateTimeOffset(2026, 2, 20, 10, 11, 12, TimeSpan.Zero).AddTicks(1_234_560);
        var first = new SessionEvent("Ses_1", 1, "content", Utf8("""{"text":"hi"}"""), "agent:drafter", "drafter-1", 8, "agent",
            Utf8("{}"), Utf8("{}"), null, at);
        var second = new SessionEvent("Ses_1", 2, "tool", Utf8("""{"a":[1,2],"s":"é\u00e9"}"""), "user:Zoë", "p", 9, null,
            Utf8("""{"m":1}"""), Utf8("""{"r":true}"""), "k-2", at.AddTicks(10));
        var session = new SessionInfo("Ses_1", "Draft", Utf8("""{"tenant_id":"acme"}"""), new Principal("acme", "user-42", PrincipalType.User),
            2, 2, at, at.AddTicks(10));
        await using (var store = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10)))
        {
            await store.WriteAsync([new ArchiveWrite(session, [first, second])], Ct);
        }

        Assert.Equal(["events/4ses521/0000000000000000001.ndjson", "layout.json", "records/4ses521.json"], await _prefix.KeysAsync());
        Assert.Equal("""{"format":"starcite-archive-s3","version":1,"events_per_chunk":10}""" + "\n", await TextAsync("layout.json"));
        Assert.Equal(
            """{"seq":1,"type":"content","payload":{"text":"hi"},"actor":"agent:drafter","producer_id":"drafter-1","producer_seq":8,"source":"agent","metadata":{},"refs":{},"idempotency_key":null,"inserted_at":"2026-02-20T10:11:12.123456Z"}""" + "\n" +
            """{"seq":2,"type":"tool","payload":{"a":[1,2],"s":"é\u00e9"},"actor":"user:Zoë","producer_id":"p","producer_seq":9,"source":null,"metadata":{"m":1},"refs":{"r":true},"idempotency_key":"k-2","inserted_at":"2026-02-20T10:11:12.123457Z"}""" + "\n",
            await TextAsync("events/4ses521/0000000000000000001.ndjson"));
        Assert.Equal(
            """{"id":"Ses_1","title":"Draft","metadata":{"tenant_id":"acme"},"creator_principal":{"tenant_id":"acme","id":"user-42","type":"user"},"last_seq":2,"archived_seq":2,"created_at":"2026-02-20T10:11:12.123456Z","updated_at":"2026-02-20T10:11:12.123457Z"}""",
            await TextAsync("records/4ses521.json"));
    }

    [Fact]
    public async Task WriteAsync_GrowingAndRewrittenChunks_KeepStoredBytesIdentical()
    {
        await using (var store = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10)))
        {
            await store.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], Ct);
            var partial = await _prefix.GetAsync("events/ses5a/0000000000000000001.ndjson");
            await store.WriteAsync([ArchiveData.Write("ses_a", 4, 14)], Ct);
            var grown = await _prefix.GetAsync("events/ses5a/0000000000000000001.ndjson");
            Assert.Equal(partial, grown[..partial.Length]); // a partial chunk grows by appending lines
        }

        var before = await SnapshotAsync();
        await using (var again = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10)))
        {
            await again.WriteAsync([ArchiveData.Write("ses_a", 1, 14)], Ct); // an archiver retry from scratch
        }

        var after = await SnapshotAsync();
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (key, bytes) in before)
        {
            Assert.Equal(bytes, after[key]);
        }
    }

    [Fact]
    public async Task InitializeAsync_PrefixCreatedWithAnotherChunkSize_UsesTheStoredSize()
    {
        await using (var first = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 7)))
        {
            await first.WriteAsync([ArchiveData.Write("ses_a", 1, 20)], Ct);
        }

        await using var second = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 500));
        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 20), await second.ReadEventsAsync("ses_a", 0, 100, Ct));
        Assert.Equal(7, second.EventsPerChunk);
        Assert.Contains("events/ses5a/0000000000000000015.ndjson", await _prefix.KeysAsync());
    }

    [Fact]
    public async Task InitializeAsync_LayoutOfANewerVersion_Throws()
    {
        await _prefix.PutAsync("layout.json", Utf8("""{"format":"starcite-archive-s3","version":2,"events_per_chunk":10}"""));
        await using var store = new S3ArchiveStore(_prefix.Options());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(Ct));
        Assert.Contains("layout version 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadEventsAsync_CorruptChunk_ThrowsInvalidDataException()
    {
        await using var store = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10));
        await store.WriteAsync([ArchiveData.Write("ses_a", 1, 3), ArchiveData.Write("ses_b", 1, 3)], Ct);
        await _prefix.PutAsync("events/ses5a/0000000000000000001.ndjson", Utf8("{\"seq\":1,\"type\":"));
        await _prefix.PutAsync("events/ses5b/0000000000000000001.ndjson", Utf8("{\"seq\":11}\n"));

        await Assert.ThrowsAsync<InvalidDataException>(async () => await store.ReadEventsAsync("ses_a", 0, 10, Ct));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await store.ReadEventsAsync("ses_b", 0, 10, Ct));
        await using var fresh = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10)); // no cache: it must read the chunk to extend it
        await Assert.ThrowsAsync<InvalidDataException>(async () => await fresh.WriteAsync([ArchiveData.Write("ses_a", 4, 5)], Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_ObjectReplacedWhileItWasRead_ReadsItAgain()
    {
        const string key = "events/ses5a/0000000000000000001.ndjson";
        await using (var writer = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10)))
        {
            await writer.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], Ct);
        }

        // What a GET overlapping an in-place rewrite sees on s3rver: a body cut short of the length the upload recorded.
        var whole = await _prefix.GetAsync(key);
        await _prefix.PutAsync(key, whole[..^40], recordedLength: whole.Length);
        var time = new FakeTimeProvider();
        var log = new EventLogger();
        await using var store = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10), log, time);
        await store.InitializeAsync(Ct);

        var torn = log.NextAsync(S3ArchiveLog.TornReadId);
        var read = store.ReadEventsAsync("ses_a", 0, 10, Ct).AsTask();
        await torn.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await _prefix.PutAsync(key, whole, recordedLength: whole.Length); // the rewrite completes
        time.Advance(TimeSpan.FromSeconds(1));

        ArchiveAssert.SameEvents(ArchiveData.Events("ses_a", 1, 3), await read.WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_ObjectTornOnEveryAttempt_Throws()
    {
        const string key = "events/ses5a/0000000000000000001.ndjson";
        await using var store = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10));
        await store.WriteAsync([ArchiveData.Write("ses_a", 1, 3)], Ct);
        var whole = await _prefix.GetAsync(key);
        await _prefix.PutAsync(key, whole, recordedLength: whole.Length + 1);

        await using var fresh = new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10), timeProvider: new InstantTimers()); // no cached chunk
        await Assert.ThrowsAsync<IOException>(async () => await fresh.ReadEventsAsync("ses_a", 0, 10, Ct));
    }

    [Fact]
    public async Task WriteAsync_MissingBucket_ThrowsRatherThanTreatingItAsEmpty()
    {
        var options = _prefix.Options();
        options.Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8];
        await using var store = new S3ArchiveStore(options);

        var e = await Assert.ThrowsAsync<AmazonS3Exception>(async () => await store.WriteAsync([ArchiveData.Write("ses_a", 1, 1)], Ct));
        Assert.Equal("NoSuchBucket", e.ErrorCode);
    }

    public ValueTask DisposeAsync() => _prefix.DisposeAsync();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<string> TextAsync(string key) => Encoding.UTF8.GetString(await _prefix.GetAsync(key));

    private async Task<SortedDictionary<string, byte[]>> SnapshotAsync()
    {
        var snapshot = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in await _prefix.KeysAsync())
        {
            snapshot[key] = await _prefix.GetAsync(key);
        }

        return snapshot;
    }
}
