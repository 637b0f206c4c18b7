using Microsoft.Extensions.Logging;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Regression: on a brand-new data directory FASTER reports a tail past the log's first bytes with no segment file
/// yet, which the "files shorter than the committed tail" check read as damage: every first start logged an error and
/// reopened the log for nothing. A clean start and restart must log nothing at warning level or above.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FreshDirectoryLogsNoWarningTests
{
    [Fact]
    public async Task StartAsync_FreshAndReopenedDirectory_LogsNoWarningOrError()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        using var logs = new CapturingLoggerFactory();

        await using (var engine = await StarciteEngine.StartAsync(Engines.Options(dir.Path), logs, cancellationToken: ct))
        {
            await engine.CreateAsync("ses_a");
            await engine.AppendAsync("ses_a", Engines.Event("p", 1), ct);
        }

        await using (var engine = await StarciteEngine.StartAsync(Engines.Options(dir.Path), logs, cancellationToken: ct))
        {
            Assert.Equal(1, (await engine.GetSessionAsync("ses_a", ct))!.LastSeq);
        }

        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
        Assert.Equal(2, logs.WithEventId(1000).Count); // both starts were logged
    }
}
