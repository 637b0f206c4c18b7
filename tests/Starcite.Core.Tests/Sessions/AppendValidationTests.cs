using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Sessions;

/// <summary>Contract §3 field rules: every broken rule throws with a code and the field's name, and changes nothing.</summary>
[Trait("Category", "Unit")]
public sealed class AppendValidationTests
{
    private const string Emoji = "\U0001F600";

    public static TheoryData<string, string> InvalidTextFields => new()
    {
        { "type", "" },
        { "type", new string('t', 257) },
        { "type", string.Concat(Enumerable.Repeat(Emoji, 257)) },
        { "type", "bad\uD800" },
        { "actor", "" },
        { "actor", new string('a', 257) },
        { "actor", string.Concat(Enumerable.Repeat(Emoji, 257)) },
        { "producer_id", "" },
        { "producer_id", new string('p', 257) },
        { "producer_id", string.Concat(Enumerable.Repeat(Emoji, 257)) },
        { "source", "" },
        { "idempotency_key", "" },
    };

    [Theory]
    [MemberData(nameof(InvalidTextFields))]
    public async Task AppendAsync_InvalidTextField_ThrowsInvalidEventNamingTheField(string field, string value)
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        var error = await AssertRejectedAsync(engine, id, With(field, value));

        Assert.Equal("invalid_event", error.Code);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type")]
    [InlineData("actor")]
    [InlineData("producer_id")]
    public async Task AppendAsync_MissingRequiredText_ThrowsInvalidEvent(string field)
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        var error = await AssertRejectedAsync(engine, id, With(field, null));

        Assert.Equal("invalid_event", error.Code);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData(256, "x")]
    [InlineData(256, Emoji)]
    [InlineData(1, "x")]
    public async Task AppendAsync_TextFieldsAtCharacterLimit_AreAccepted(int count, string unit)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        var text = string.Concat(Enumerable.Repeat(unit, count));
        var request = Requests.Full(producer: text, type: text, actor: text, source: text, idempotencyKey: text);

        var result = await engine.AppendAsync(id, request, ct);

        Assert.Equal(AppendStatus.Appended, result.Status);
        var stored = Assert.Single(await engine.ReadAllAsync(id));
        Assert.Equal((text, text, text, text, text), (stored.Type, stored.Actor, stored.ProducerId, stored.Source, stored.IdempotencyKey));
    }

    [Fact]
    public async Task AppendAsync_NullSourceAndIdempotencyKey_AreAcceptedAndStoredAsNull()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        await engine.AppendAsync(id, Requests.Full(source: null, idempotencyKey: null), ct);

        var stored = Assert.Single(await engine.ReadAllAsync(id));
        Assert.Null(stored.Source);
        Assert.Null(stored.IdempotencyKey);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public async Task AppendAsync_ProducerSeqBelowOne_ThrowsInvalidEvent(long producerSeq)
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        var error = await AssertRejectedAsync(engine, id, Requests.Full(producerSeq: producerSeq));

        Assert.Equal(("invalid_event", "producer_seq"), (error.Code, error.Field));
        Assert.Contains("producer_seq", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public async Task AppendAsync_NegativeExpectedSeq_ThrowsInvalidEvent(long expectedSeq)
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        var error = await AssertRejectedAsync(engine, id, Requests.Full(expectedSeq: expectedSeq));

        Assert.Equal(("invalid_event", "expected_seq"), (error.Code, error.Field));
        Assert.Contains("expected_seq", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("payload", "[1,2]", "invalid_event")]
    [InlineData("payload", "\"text\"", "invalid_event")]
    [InlineData("payload", "42", "invalid_event")]
    [InlineData("payload", "null", "invalid_event")]
    [InlineData("payload", "true", "invalid_event")]
    [InlineData("payload", "", "invalid_event")]
    [InlineData("payload", "{\"a\":", "invalid_event")]
    [InlineData("payload", "{'a':1}", "invalid_event")]
    [InlineData("payload", "{\"a\":1} x", "invalid_event")]
    [InlineData("payload", "{\"a\":1}{}", "invalid_event")]
    [InlineData("payload", "{\"a\":1}}", "invalid_event")]
    [InlineData("metadata", "[]", "invalid_metadata")]
    [InlineData("metadata", "\"m\"", "invalid_metadata")]
    [InlineData("metadata", "1", "invalid_metadata")]
    [InlineData("metadata", "{\"a\":1", "invalid_metadata")]
    [InlineData("metadata", "{} 1", "invalid_metadata")]
    [InlineData("refs", "[]", "invalid_refs")]
    [InlineData("refs", "false", "invalid_refs")]
    [InlineData("refs", "{\"a\"}", "invalid_refs")]
    [InlineData("refs", "null null", "invalid_refs")]
    public async Task AppendAsync_JsonFieldNotAnObject_ThrowsCodeNamingTheField(string field, string json, string code)
    {
        using var dir = new TempDirectory();
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        var request = field switch
        {
            "payload" => Requests.Full(payload: json),
            "metadata" => Requests.Full(metadata: json),
            _ => Requests.Full(refs: json),
        };

        var error = await AssertRejectedAsync(engine, id, request);

        Assert.Equal((code, field), (error.Code, error.Field));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("metadata")]
    [InlineData("refs")]
    public async Task AppendAsync_EventLargerThanMaxEventBytes_ThrowsPayloadTooLarge(string bigField)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o => o.MaxEventBytes = 1024);
        var id = await engine.CreateAsync("ses_a");
        var big = $$"""{"blob":"{{new string('b', 1100)}}"}""";
        var small = $$"""{"blob":"{{new string('b', 300)}}"}""";

        var error = await AssertRejectedAsync(engine, id, bigField switch
        {
            "payload" => Requests.Full(payload: big),
            "metadata" => Requests.Full(metadata: big),
            _ => Requests.Full(refs: big),
        });
        var accepted = await engine.AppendAsync(id, Requests.Full(payload: small), ct);

        Assert.Equal("payload_too_large", error.Code);
        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
        Assert.Equal(new AppendResult(AppendStatus.Appended, 1, 1), accepted);
    }

    [Theory]
    [InlineData("{ \"b\" : [ 1 , 2.50 , { \"c\" : null } ] ,\n\t\"a\" : \"x y\" }", """{"b":[1,2.50,{"c":null}],"a":"x y"}""")]
    [InlineData(" {\r\n} ", "{}")]
    [InlineData("""{"n":1.0,"m":-0,"e":1E+2,"big":123456789012345678901234567890}""", """{"n":1.0,"m":-0,"e":1E+2,"big":123456789012345678901234567890}""")]
    [InlineData("""{"q":"say\\n hi","t":true,"f":false}""", """{"q":"say\\n hi","t":true,"f":false}""")]
    public async Task AppendAsync_JsonFields_AreStoredCompactlyAndRoundTrip(string json, string compact)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        await engine.AppendAsync(id, Requests.Full(payload: json, metadata: json, refs: json), ct);

        var stored = Assert.Single(await engine.ReadAllAsync(id));
        Assert.Equal(compact, History.Text(stored.Payload));
        Assert.Equal(compact, History.Text(stored.Metadata));
        Assert.Equal(compact, History.Text(stored.Refs));
        Assert.True(History.SameJson(json, stored.Payload));
    }

    [Fact]
    public async Task AppendAsync_NonAsciiText_RoundTripsByValue()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        const string json = """{"text":"héllo 日本 😀 <b>&amp;</b>","ключ":"\u00e9"}""";

        await engine.AppendAsync(id, Requests.Full(payload: json), ct);

        var stored = Assert.Single(await engine.ReadAllAsync(id));
        Assert.True(History.SameJson(json, stored.Payload), History.Text(stored.Payload));
    }

    private static async Task<InvalidRequestException> AssertRejectedAsync(StarciteEngine engine, string id, AppendRequest request)
    {
        var ct = TestContext.Current.CancellationToken;
        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await engine.AppendAsync(id, request, ct));
        Assert.Empty(await engine.ReadAllAsync(id));
        Assert.Equal(0, (await engine.GetSessionAsync(id, ct))!.LastSeq);
        return error;
    }

    private static AppendRequest With(string field, string? value) => field switch
    {
        "type" => Requests.Full(type: value!),
        "actor" => Requests.Full(actor: value!),
        "producer_id" => Requests.Full(producer: value!),
        "source" => Requests.Full(source: value),
        "idempotency_key" => Requests.Full(idempotencyKey: value),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}
