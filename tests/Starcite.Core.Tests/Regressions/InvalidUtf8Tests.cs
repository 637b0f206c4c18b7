using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// JsonObjects.Normalize catches only JsonException, but Utf8JsonReader.GetString throws InvalidOperationException for
/// invalid UTF-8 inside a string, so bad input escapes as an unexpected exception (an internal error) instead of
/// InvalidRequestException with the field's code.
/// </summary>
[Trait("Category", "Unit")]
public sealed class InvalidUtf8Tests
{
    [Theory]
    [InlineData("payload", "invalid_event")]
    [InlineData("metadata", "invalid_metadata")]
    [InlineData("refs", "invalid_refs")]
    public async Task AppendAsync_InvalidUtf8InJsonString_ThrowsInvalidRequestNamingTheField(string field, string code)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        byte[] json = [.. "{\"a\":\""u8, 0xFF, 0xFE, .. "\"}"u8];
        var request = new AppendRequest
        {
            Type = "content",
            Payload = field == "payload" ? json : Engines.Utf8("{}"),
            Actor = "agent:test",
            ProducerId = "p1",
            ProducerSeq = 1,
            Metadata = field == "metadata" ? json : Engines.Utf8("{}"),
            Refs = field == "refs" ? json : Engines.Utf8("{}"),
        };

        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await engine.AppendAsync(id, request, ct));

        Assert.Equal((code, field), (error.Code, error.Field));
    }

    [Fact]
    public async Task CreateSessionAsync_InvalidUtf8InMetadataKey_ThrowsInvalidMetadata()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        byte[] json = [.. "{\""u8, 0xC3, 0x28, .. "\":1}"u8];

        var error = await Assert.ThrowsAsync<InvalidRequestException>(
            async () => await engine.CreateSessionAsync(new CreateSessionRequest { Id = "ses_a", Metadata = json }, ct));

        Assert.Equal(("invalid_metadata", "metadata"), (error.Code, error.Field));
    }
}
