using Microsoft.Extensions.Options;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests;

[Trait("Category", "Unit")]
public sealed class StarciteOptionsValidatorTests
{
    [Fact]
    public void ThrowIfInvalid_Defaults_Pass() => StarciteOptionsValidator.ThrowIfInvalid(new StarciteOptions());

    [Theory]
    [InlineData("PageSize", 3_000_000L, "power of two")]
    [InlineData("MemorySize", 1L << 22, "at least two pages")]
    [InlineData("SegmentSize", 1L << 21, "at least Storage.PageSize")]
    [InlineData("IndexBuckets", 1000L, "power of two")]
    public void ThrowIfInvalid_BadStorageSize_NamesTheOption(string option, long value, string expected)
    {
        var options = new StarciteOptions();
        typeof(Starcite.Storage.StorageOptions).GetProperty(option)!.SetValue(options.Storage, value);

        var error = Assert.Throws<OptionsValidationException>(() => StarciteOptionsValidator.ThrowIfInvalid(options));

        Assert.Contains(error.Failures, failure => failure.Contains(option, StringComparison.Ordinal) && failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ThrowIfInvalid_EmptyDataDirectoryAndNegativeBatch_ReportsBoth()
    {
        var options = new StarciteOptions { DataDirectory = "" };
        options.Tail.ReadBatchSize = 0;

        var error = Assert.Throws<OptionsValidationException>(() => StarciteOptionsValidator.ThrowIfInvalid(options));

        Assert.Contains(error.Failures, failure => failure.Contains("DataDirectory", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.Contains("ReadBatchSize", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void ThrowIfInvalid_BatchLingerOutsideZeroToOneSecond_NamesIt(int milliseconds)
    {
        var options = new StarciteOptions();
        options.Cluster.BatchLinger = TimeSpan.FromMilliseconds(milliseconds);

        var error = Assert.Throws<OptionsValidationException>(() => StarciteOptionsValidator.ThrowIfInvalid(options));

        Assert.Contains(error.Failures, failure => failure.Contains("BatchLinger", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsBeforeTouchingTheDisk()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "never-created");
        var options = Engines.Options(path, o => o.MaxEventBytes = 1);

        await Assert.ThrowsAsync<OptionsValidationException>(() => StarciteEngine.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.False(Directory.Exists(path));
    }
}
