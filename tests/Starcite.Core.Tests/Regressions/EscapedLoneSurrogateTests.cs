using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// A JSON escape of an unpaired surrogate (<c>"\uDC00"</c>) is well-formed JSON, so it was stored; but the dedupe
/// comparison decodes strings and threw InvalidOperationException on the retry, an internal error. Such JSON is now
/// refused at the door, with the field's code.
/// </summary>
[Trait("Category", "Unit")]
public sealed class EscapedLoneSurrogateTests
{
    [Theory]
    [InlineData("payload", "invalid_event", """{"x":"\uDC00"}""")]
    [InlineData("payload", "invalid_event", """{"\uD800":1}""")]
    [InlineData("metadata", "invalid_metadata", """{"x":["ok","\uD83D"]}""")]
    [InlineData("refs", "invalid_refs", """{"x":"a\uDFFFb"}""")]
    public async Task AppendAsync_EscapedUnpairedSurrogate_ThrowsInvalidRequestNamingTheField(string field, string code, string json)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        var request = new AppendRequest
        {
            Type = "content",
            Payload = Engines.Utf8(field == "payload" ? json : "{}"),
            Actor = "agent:test",
            ProducerId = "p1",
            ProducerSeq = 1,
            Metadata = Engines.Utf8(field == "metadata" ? json : "{}"),
            Refs = Engines.Utf8(field == "refs" ? json : "{}"),
        };

        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await engine.AppendAsync(id, request, ct));

        Assert.Equal((code, field), (error.Code, error.Field));
    }

    [Fact]
    public async Task AppendAsync_EscapedSurrogatePair_IsAcceptedAndDedupedOnRetry()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        var request = new AppendRequest
        {
            Type = "content",
            Payload = Engines.Utf8("""{"emoji":"\uD83D\uDE00"}"""),
            Actor = "agent:test",
            ProducerId = "p1",
            ProducerSeq = 1,
        };

        var first = await engine.AppendAsync(id, request, ct);
        var retry = await engine.AppendAsync(id, request, ct);

        Assert.Equal((AppendStatus.Appended, AppendStatus.Duplicate, 1L), (first.Status, retry.Status, retry.Seq));
    }
}
