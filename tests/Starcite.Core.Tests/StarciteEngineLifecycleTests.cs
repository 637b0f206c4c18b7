using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests;

/// <summary>Construction and start are separate so a host can inject the engine and recover it when it starts.</summary>
[Trait("Category", "Unit")]
public sealed class StarciteEngineLifecycleTests
{
    [Fact]
    public async Task Constructor_DoesNotTouchTheDisk_UntilStartAsync()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "data");
        await using var engine = new StarciteEngine(Engines.Options(path));

        Assert.False(Directory.Exists(path));
        Assert.False(engine.IsReady);

        await engine.StartAsync(TestContext.Current.CancellationToken);

        Assert.True(Directory.Exists(path));
        Assert.True(engine.IsReady);
    }

    [Fact]
    public async Task Operations_BeforeStartAsync_ThrowInvalidOperation()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = new StarciteEngine(Engines.Options(dir.Path));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await engine.CreateSessionAsync(new CreateSessionRequest(), ct));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await engine.AppendAsync("s", Engines.Event("p", 1), ct));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await engine.GetSessionAsync("s", ct));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await engine.ReadEventsAsync("s", 0, 10, ct));
        Assert.Throws<InvalidOperationException>(() => engine.OpenTail("s"));
    }

    [Fact]
    public async Task StartAsync_Twice_Throws()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.StartAsync(ct));
        Assert.True(engine.IsReady);
    }

    [Fact]
    public async Task DisposeAsync_NeverStarted_CompletesAndLeavesNoFiles()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "data");
        var engine = new StarciteEngine(Engines.Options(path));

        await engine.DisposeAsync();

        Assert.False(engine.IsReady);
        Assert.False(Directory.Exists(path));
        await Assert.ThrowsAsync<EngineClosedException>(async () => await engine.CreateSessionAsync(new CreateSessionRequest(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task IsReady_AfterDispose_IsFalse()
    {
        using var dir = new TempDirectory();
        var engine = await Engines.StartAsync(dir.Path);

        await engine.DisposeAsync();

        Assert.False(engine.IsReady);
    }
}
