using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Contract;

// The contract of IArchiveStore.ListSessionsAsync: ordinal order, cursors, NextCursor.
public abstract partial class ArchiveStoreContractTests
{
    [Fact]
    public async Task ListSessionsAsync_EveryPageSize_ListsInOrdinalIdOrderWithNextCursorNullExactlyAtTheEnd()
    {
        string[] ids =
        [
            "a", "a-", "a-b", "a.", "a.b", "a0", "a9", "a:", "a:b", "aA", "aZ", "a_", "a_b", "aa", "ab", "b", "B", "0", "0a", "9",
            "Za", "zz", "ses_demo", "Ses_demo", "tenant:acme:chat-1", "x" + new string('y', 127),
        ];
        await Store.WriteAsync([.. ids.Select(id => new ArchiveWrite(ArchiveData.Session(id, 0), []))], Ct);
        var expected = ids.Order(StringComparer.Ordinal).ToList();

        foreach (var limit in new[] { 1, 2, 3, 5, 13, 25, 26, 27, 1000, int.MaxValue })
        {
            var listed = new List<string>();
            string? cursor = null;
            while (true)
            {
                var page = await Store.ListSessionsAsync(cursor, limit, Ct);
                Assert.True(page.Sessions.Count <= limit);
                listed.AddRange(page.Sessions.Select(s => s.Id));
                if (page.NextCursor is null)
                {
                    break;
                }

                Assert.Equal(limit, page.Sessions.Count);
                Assert.Equal(page.Sessions[^1].Id, page.NextCursor);
                cursor = page.NextCursor;
            }

            Assert.Equal(expected, listed);
        }
    }

    [Fact]
    public async Task ListSessionsAsync_CursorThatIsNoStoredId_ListsTheIdsAfterIt()
    {
        string[] ids = ["a", "a-b", "a_b", "ab", "b", "b0"];
        await Store.WriteAsync([.. ids.Select(id => new ArchiveWrite(ArchiveData.Session(id, 0), []))], Ct);

        foreach (var cursor in new[] { "", "0", "a-", "a-b~", "a/", "a~", "aa", "b", "b/", "b~", "c", "~" })
        {
            var expected = ids.Where(id => string.CompareOrdinal(id, cursor) > 0).Order(StringComparer.Ordinal);
            Assert.Equal(expected, (await Store.ListSessionsAsync(cursor, 100, Ct)).Sessions.Select(s => s.Id));
        }
    }

    [Fact]
    public async Task ListSessionsAsync_EmptyArchive_ReturnsAnEmptyLastPage()
    {
        var page = await Store.ListSessionsAsync(null, 10, Ct);

        Assert.Empty(page.Sessions);
        Assert.Null(page.NextCursor);
    }
}
