using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Sessions;

/// <summary>Contract §3.2: a retry is a duplicate exactly when its canonical content equals the accepted event's.</summary>
[Trait("Category", "Unit")]
public sealed class AppendDedupeContentTests
{
    public static TheoryData<string> ChangedFields =>
    [
        "type", "payload", "payload_number_kind", "payload_array_order", "payload_extra_key", "actor", "source",
        "source_null", "metadata", "metadata_null", "refs", "refs_null", "idempotency_key", "idempotency_key_null",
    ];

    [Theory]
    [InlineData("""{ "n" : 1 , "text" : "hi" }""", """{"trace":"t-1"}""", """{"reply_to":3}""")]
    [InlineData("""{"n":1.0,"text":"hi"}""", """{"trace":"t-1"}""", """{"reply_to":3}""")]
    [InlineData("""{"text":"hi","n":1e0}""", """{"trace":"t-1"}""", """{"reply_to":3.00}""")]
    [InlineData("""{"text":"\u0068i","n":10E-1}""", """ {"trace" :"t-1"}""", """{"reply_to":3}""")]
    public async Task AppendAsync_SameContentDifferentFormatting_ReturnsDuplicate(string payload, string metadata, string refs)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full("p1", 1), ct);
        await engine.AppendAsync(id, Requests.Full("p2", 1), ct);

        var retry = await engine.AppendAsync(id, Requests.Full("p1", 1, payload: payload, metadata: metadata, refs: refs), ct);

        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 2), retry);
        Assert.Equal(Requests.Payload, History.Text((await engine.ReadAllAsync(id))[0].Payload));
    }

    [Fact]
    public async Task AppendAsync_AbsentNullOrEmptyMetadataAndRefs_AreTheSameContent()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full("p1", 1, metadata: null, refs: null), ct);

        var explicitNull = await engine.AppendAsync(id, Requests.Full("p1", 1, metadata: "null", refs: "null"), ct);
        var empty = await engine.AppendAsync(id, Requests.Full("p1", 1, metadata: "{}", refs: " { } "), ct);

        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 1), explicitNull);
        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 1), empty);
    }

    [Theory]
    [MemberData(nameof(ChangedFields))]
    public async Task AppendAsync_SameProducerSeqDifferentContent_ReturnsProducerReplayConflict(string field)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full("p1", 1, payload: """{"text":"hi","n":1,"list":[1,2]}"""), ct);
        await engine.AppendAsync(id, Requests.Full("p1", 2), ct);

        var result = await engine.AppendAsync(id, Changed(field), ct);

        Assert.Equal(new AppendResult(AppendStatus.ProducerReplayConflict, 0, 2), result);
        Assert.False(result.Succeeded);
        var history = await engine.ReadAllAsync(id);
        Assert.Equal(2, history.Count);
        Assert.Equal("content", history[0].Type);
        Assert.Equal("agent:drafter", history[0].Actor);
    }

    [Fact]
    public async Task AppendAsync_ReplayConflict_ComesBeforeExpectedSeqCheck()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full("p1", 1, expectedSeq: 0), ct);

        var conflicting = await engine.AppendAsync(id, Requests.Full("p1", 1, type: "other", expectedSeq: 0), ct);
        var correctButStale = await engine.AppendAsync(id, Requests.Full("p1", 1, expectedSeq: 0), ct);

        Assert.Equal(new AppendResult(AppendStatus.ProducerReplayConflict, 0, 1), conflicting);
        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 1), correctButStale);
    }

    private static AppendRequest Changed(string field)
    {
        const string original = """{"text":"hi","n":1,"list":[1,2]}""";
        return field switch
        {
            "type" => Requests.Full(payload: original, type: "other"),
            "payload" => Requests.Full(payload: """{"text":"ho","n":1,"list":[1,2]}"""),
            "payload_number_kind" => Requests.Full(payload: """{"text":"hi","n":"1","list":[1,2]}"""),
            "payload_array_order" => Requests.Full(payload: """{"text":"hi","n":1,"list":[2,1]}"""),
            "payload_extra_key" => Requests.Full(payload: """{"text":"hi","n":1,"list":[1,2],"x":null}"""),
            "actor" => Requests.Full(payload: original, actor: "agent:other"),
            "source" => Requests.Full(payload: original, source: "user"),
            "source_null" => Requests.Full(payload: original, source: null),
            "metadata" => Requests.Full(payload: original, metadata: """{"trace":"t-2"}"""),
            "metadata_null" => Requests.Full(payload: original, metadata: null),
            "refs" => Requests.Full(payload: original, refs: """{"reply_to":4}"""),
            "refs_null" => Requests.Full(payload: original, refs: "null"),
            "idempotency_key" => Requests.Full(payload: original, idempotencyKey: "key-2"),
            "idempotency_key_null" => Requests.Full(payload: original, idempotencyKey: null),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };
    }
}
