using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Sessions;

/// <summary>Contract §2: listing sessions in id order, paging, and the metadata filter.</summary>
[Trait("Category", "Unit")]
public sealed class ListSessionsTests
{
    [Fact]
    public async Task ListSessionsAsync_NoQuery_ReturnsSessionsInOrdinalIdOrder()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        string[] ids = ["b", "a", "B", "A", "a.1", "a-1", "a:1", "a_1", "10", "9", "Z"];
        foreach (var id in ids)
        {
            await engine.CreateAsync(id);
        }

        var page = await engine.ListSessionsAsync(new SessionQuery(), ct);

        Assert.Equal(ids.Order(StringComparer.Ordinal), page.Sessions.Select(s => s.Id));
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task ListSessionsAsync_LimitOutOfRange_ThrowsInvalidLimit(int limit)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(
            async () => await engine.ListSessionsAsync(new SessionQuery { Limit = limit }, ct));

        Assert.Equal("invalid_limit", error.Code);
        Assert.Equal("limit", error.Field);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task ListSessionsAsync_LimitAtBounds_IsAccepted(int limit)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await engine.CreateAsync("a");
        await engine.CreateAsync("b");

        var page = await engine.ListSessionsAsync(new SessionQuery { Limit = limit }, ct);

        Assert.Equal(Math.Min(limit, 2), page.Sessions.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(25)]
    public async Task ListSessionsAsync_CursorPaging_VisitsEverySessionExactlyOnce(int limit)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var ids = Enumerable.Range(0, 21).Select(i => $"s{i * 7919 % 101:D3}").ToList();
        foreach (var id in ids)
        {
            await engine.CreateAsync(id);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await engine.ListSessionsAsync(new SessionQuery { Limit = limit, Cursor = cursor }, ct);
            Assert.InRange(page.Sessions.Count, 1, limit);
            seen.AddRange(page.Sessions.Select(s => s.Id));
            Assert.True(page.NextCursor is null || page.NextCursor == page.Sessions[^1].Id);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
        Assert.Equal((ids.Count + limit - 1) / limit, pages);
    }

    [Fact]
    public async Task ListSessionsAsync_PageExactlyFullAndNothingFollows_NextCursorIsNull()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            await engine.CreateAsync(id);
        }

        var first = await engine.ListSessionsAsync(new SessionQuery { Limit = 2 }, ct);
        var last = await engine.ListSessionsAsync(new SessionQuery { Limit = 2, Cursor = first.NextCursor }, ct);
        var all = await engine.ListSessionsAsync(new SessionQuery { Limit = 4 }, ct);

        Assert.Equal(["a", "b"], first.Sessions.Select(s => s.Id));
        Assert.Equal("b", first.NextCursor);
        Assert.Equal(["c", "d"], last.Sessions.Select(s => s.Id));
        Assert.Null(last.NextCursor);
        Assert.Equal(4, all.Sessions.Count);
        Assert.Null(all.NextCursor);
    }

    [Fact]
    public async Task ListSessionsAsync_CursorIsExclusiveAndNeedNotExist_ReturnsLaterIdsOnly()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        foreach (var id in new[] { "a", "c", "e" })
        {
            await engine.CreateAsync(id);
        }

        var fromExisting = await engine.ListSessionsAsync(new SessionQuery { Cursor = "c" }, ct);
        var fromMissing = await engine.ListSessionsAsync(new SessionQuery { Cursor = "b" }, ct);
        var pastEnd = await engine.ListSessionsAsync(new SessionQuery { Cursor = "e" }, ct);

        Assert.Equal(["e"], fromExisting.Sessions.Select(s => s.Id));
        Assert.Equal(["c", "e"], fromMissing.Sessions.Select(s => s.Id));
        Assert.Empty(pastEnd.Sessions);
        Assert.Null(pastEnd.NextCursor);
    }

    [Theory]
    [InlineData("tenant", "acme", new[] { "s_string" })]
    [InlineData("count", "42", new[] { "s_number" })]
    [InlineData("ratio", "1.50", new[] { "s_number" })]
    [InlineData("flag", "true", new[] { "s_bool" })]
    [InlineData("flag", "false", new[] { "s_false" })]
    [InlineData("text42", "42", new[] { "s_text42" })]
    [InlineData("nested", "{}", new string[0])]
    [InlineData("nested", "{\"a\":1}", new string[0])]
    [InlineData("list", "[1]", new string[0])]
    [InlineData("nothing", "null", new string[0])]
    [InlineData("missing", "x", new string[0])]
    [InlineData("count", "42.0", new string[0])]
    [InlineData("tenant", "ACME", new string[0])]
    public async Task ListSessionsAsync_MetadataFilter_MatchesStringsOrNumberAndBooleanJsonText(string key, string value, string[] expected)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await CreateWithMetadataAsync(engine, "s_string", """{"tenant":"acme"}""");
        await CreateWithMetadataAsync(engine, "s_number", """{"count":42,"ratio":1.50}""");
        await CreateWithMetadataAsync(engine, "s_bool", """{"flag":true}""");
        await CreateWithMetadataAsync(engine, "s_false", """{"flag":false}""");
        await CreateWithMetadataAsync(engine, "s_text42", """{"text42":"42","count":"43"}""");
        await CreateWithMetadataAsync(engine, "s_nested", """{"nested":{"a":1},"list":[1],"nothing":null,"deep":{"tenant":"acme"}}""");
        await CreateWithMetadataAsync(engine, "s_empty", "{}");

        var page = await engine.ListSessionsAsync(new SessionQuery { MetadataFilter = new Dictionary<string, string> { [key] = value } }, ct);

        Assert.Equal(expected, page.Sessions.Select(s => s.Id));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task ListSessionsAsync_SeveralMetadataFilters_AllMustMatch()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await CreateWithMetadataAsync(engine, "both", """{"tenant":"acme","tier":1}""");
        await CreateWithMetadataAsync(engine, "tenant_only", """{"tenant":"acme","tier":2}""");
        await CreateWithMetadataAsync(engine, "tier_only", """{"tenant":"other","tier":1}""");
        await CreateWithMetadataAsync(engine, "neither", """{"tenant":"other"}""");
        var filter = new Dictionary<string, string> { ["tenant"] = "acme", ["tier"] = "1" };

        var page = await engine.ListSessionsAsync(new SessionQuery { MetadataFilter = filter }, ct);

        Assert.Equal(["both"], page.Sessions.Select(s => s.Id));
    }

    [Fact]
    public async Task ListSessionsAsync_FilteredPaging_NextCursorNullExactlyWhenNoMoreMatch()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await CreateWithMetadataAsync(engine, "a", """{"t":"x"}""");
        await CreateWithMetadataAsync(engine, "b", """{"t":"y"}""");
        await CreateWithMetadataAsync(engine, "c", """{"t":"x"}""");
        await CreateWithMetadataAsync(engine, "d", """{"t":"y"}""");
        await CreateWithMetadataAsync(engine, "e", """{"t":"x"}""");
        await CreateWithMetadataAsync(engine, "f", """{"t":"y"}""");
        var filter = new Dictionary<string, string> { ["t"] = "x" };

        var first = await engine.ListSessionsAsync(new SessionQuery { Limit = 2, MetadataFilter = filter }, ct);
        var second = await engine.ListSessionsAsync(new SessionQuery { Limit = 2, Cursor = first.NextCursor, MetadataFilter = filter }, ct);
        var full = await engine.ListSessionsAsync(new SessionQuery { Limit = 3, MetadataFilter = filter }, ct);

        Assert.Equal(["a", "c"], first.Sessions.Select(s => s.Id));
        Assert.Equal("c", first.NextCursor);
        Assert.Equal(["e"], second.Sessions.Select(s => s.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal(["a", "c", "e"], full.Sessions.Select(s => s.Id));
        Assert.Null(full.NextCursor);
    }

    private static async Task CreateWithMetadataAsync(StarciteEngine engine, string id, string metadata)
    {
        var result = await engine.CreateSessionAsync(
            new CreateSessionRequest { Id = id, Metadata = Engines.Utf8(metadata) }, TestContext.Current.CancellationToken);
        Assert.True(result.Created);
    }
}
