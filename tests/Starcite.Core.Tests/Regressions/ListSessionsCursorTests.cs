using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// SessionRegistry.Scan calls SortedSet.GetViewBetween(cursor, "\u007f"); a cursor that sorts after "\u007f" (any
/// string starting with a non-ASCII character) makes it throw ArgumentException, an internal error for bad input.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ListSessionsCursorTests
{
    [Theory]
    [InlineData("é")]
    [InlineData("\u0080")]
    [InlineData("日本")]
    public async Task ListSessionsAsync_CursorAfterEveryAsciiId_ReturnsEmptyLastPage(string cursor)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await engine.CreateAsync("a");
        await engine.CreateAsync("z");

        var page = await engine.ListSessionsAsync(new SessionQuery { Cursor = cursor }, ct);

        Assert.Empty(page.Sessions);
        Assert.Null(page.NextCursor);
    }
}
