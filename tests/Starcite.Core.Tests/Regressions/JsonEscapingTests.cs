using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// JsonObjects.Normalize re-encodes strings with Utf8JsonWriter's default JavaScriptEncoder, which escapes every
/// non-ASCII character and HTML-sensitive ASCII (" &lt; &gt; &amp; ' + `) as \uXXXX. Stored JSON is then neither the
/// client's text minus whitespace nor compact, and it grows up to 3x, which also counts against MaxEventBytes.
/// </summary>
[Trait("Category", "Unit")]
public sealed class JsonEscapingTests
{
    [Fact]
    public async Task AppendAsync_PayloadWithQuotesHtmlAndNonAscii_IsStoredAsSentMinusWhitespace()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        await engine.AppendAsync(id, Requests.Full(payload: """{ "q": "say \"hi\" <b>&</b>", "t": "héllo 😀" }"""), ct);

        var stored = Assert.Single(await engine.ReadAllAsync(id));
        Assert.Equal("""{"q":"say \"hi\" <b>&</b>","t":"héllo 😀"}""", History.Text(stored.Payload));
    }

    [Fact]
    public async Task AppendAsync_NonAsciiEventWellUnderMaxEventBytes_IsAccepted()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o => o.MaxEventBytes = 1024);
        var id = await engine.CreateAsync("ses_a");
        var payload = $$"""{"text":"{{string.Concat(Enumerable.Repeat("\U0001F600", 150))}}"}"""; // 611 bytes of UTF-8

        var result = await engine.AppendAsync(id, Requests.Full(payload: payload), ct);

        Assert.Equal(new AppendResult(AppendStatus.Appended, 1, 1), result);
    }
}
