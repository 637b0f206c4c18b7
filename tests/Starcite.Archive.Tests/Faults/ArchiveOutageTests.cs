using System.Diagnostics;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Faults;

/// <summary>
/// Archive outages through a <see cref="TcpFaultProxy"/> in front of the real server: a write during an outage fails
/// with an exception within a bounded time (it never hangs or reports a partial success), and once the link is back
/// the archiver's retry stores everything exactly once.
/// </summary>
[Trait("Category", "Integration")]
public abstract class ArchiveOutageTests : IAsyncLifetime
{
    /// <summary>Far above the configured timeouts (a few seconds), far below "hung".</summary>
    protected static readonly TimeSpan FailureBound = TimeSpan.FromSeconds(30);

    private readonly List<IArchiveStore> _opened = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TcpFaultProxy Proxy { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Proxy = StartProxy();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }

        await Proxy.DisposeAsync();
        await DisposeBackendAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A proxy in front of this test's server.</summary>
    protected abstract TcpFaultProxy StartProxy();

    /// <summary>A store that talks to the server through <see cref="Proxy"/>, with short timeouts.</summary>
    protected abstract IArchiveStore CreateProxiedStore();

    /// <summary>A store on the same schema or prefix that talks to the server directly.</summary>
    protected abstract IArchiveStore CreateDirectStore();

    protected abstract ValueTask DisposeBackendAsync();

    [Fact]
    public async Task WriteAsync_ServerUnreachable_FailsWithinBoundThenSucceedsAfterRestore()
    {
        var store = Open(CreateProxiedStore());
        await store.WriteAsync([ArchiveData.Write("ses_a", 1, 20)], Ct);

        Proxy.Cut();
        await AssertFailsWithinBoundAsync(() => store.WriteAsync([ArchiveData.Write("ses_a", 21, 40)], Ct).AsTask());
        await AssertFailsWithinBoundAsync(() => store.ReadEventsAsync("ses_a", 0, 10, Ct).AsTask());
        Proxy.Restore();

        await store.WriteAsync([ArchiveData.Write("ses_a", 21, 40)], Ct);
        await AssertArchivedExactlyAsync("ses_a", 40);
    }

    [Fact]
    public async Task WriteAsync_ServerHangs_FailsWithinBoundThenSucceedsAfterRestore()
    {
        var store = Open(CreateProxiedStore());
        await store.WriteAsync([ArchiveData.Write("ses_a", 1, 20)], Ct);

        Proxy.Blackhole();
        await AssertFailsWithinBoundAsync(() => store.WriteAsync([ArchiveData.Write("ses_a", 21, 40)], Ct).AsTask());
        Proxy.Restore();

        await store.WriteAsync([ArchiveData.Write("ses_a", 21, 40)], Ct);
        await AssertArchivedExactlyAsync("ses_a", 40);
    }

    [Fact]
    public async Task WriteAsync_ConnectionCutInTheMiddleOfAWrite_FailsThenARetryStoresEverythingOnce()
    {
        var store = Open(CreateProxiedStore());
        await store.WriteAsync([ArchiveData.Write("ses_a", 1, 20, payloadBytes: 1024)], Ct);
        var batch = new[] { ArchiveData.Write("ses_a", 21, 320, payloadBytes: 1024), ArchiveData.Write("ses_b", 1, 100, payloadBytes: 1024) };

        Proxy.CutAfterBytesToServer(150_000); // about a third of the write
        await AssertFailsWithinBoundAsync(() => store.WriteAsync(batch, Ct).AsTask());
        await AssertAfterFailedWriteAsync();
        Proxy.Restore();

        await store.WriteAsync(batch, Ct);
        await AssertArchivedExactlyAsync("ses_a", 320, payloadBytes: 1024);
        await AssertArchivedExactlyAsync("ses_b", 100, payloadBytes: 1024);
    }

    /// <summary>What a failed write may have left, checked directly against the server (PostgreSQL: nothing).</summary>
    protected virtual Task AssertAfterFailedWriteAsync() => Task.CompletedTask;

    protected IArchiveStore Open(IArchiveStore store)
    {
        _opened.Add(store);
        return store;
    }

    protected async Task AssertArchivedExactlyAsync(string sessionId, long lastSeq, int payloadBytes = 0)
    {
        var direct = Open(CreateDirectStore());
        var events = await direct.ReadEventsAsync(sessionId, 0, int.MaxValue, Ct);
        ArchiveAssert.SameEvents(ArchiveData.Events(sessionId, 1, lastSeq, payloadBytes), events);
        var session = (await direct.ListSessionsAsync(null, 100, Ct)).Sessions.Single(s => s.Id == sessionId);
        Assert.Equal(lastSeq, session.LastSeq);
    }

    private static async Task AssertFailsWithinBoundAsync(Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        var task = call();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var finished = await Task.WhenAny(task, Task.Delay(FailureBound, bound.Token));
        await bound.CancelAsync();
        Assert.True(finished == task, $"the call was still running after {FailureBound.TotalSeconds:N0} s: it hangs");
        var failure = await Record.ExceptionAsync(() => task);
        Assert.NotNull(failure);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"failed after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:N0} ms with {failure.GetType().Name}: {failure.Message}");
    }
}
