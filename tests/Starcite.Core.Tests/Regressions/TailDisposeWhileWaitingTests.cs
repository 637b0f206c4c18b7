using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Regression: SessionTail.DisposeAsync completes <see cref="Starcite.Tailing.SessionTail.Completion"/> but does not
/// wake a WaitToReadAsync already in progress; it keeps waiting until the session's next append, then returns true on
/// the disposed tail.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TailDisposeWhileWaitingTests
{
    [Fact]
    public async Task DisposeAsync_WhileWaitToReadAsyncPending_EndsTheWait()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        var tail = engine.OpenTail(id);
        var waiting = tail.WaitToReadAsync(ct).AsTask();

        await tail.DisposeAsync();

        // Either outcome is acceptable (false, or ObjectDisposedException); waiting forever (TimeoutException) is not.
        try
        {
            Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(2), ct));
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
