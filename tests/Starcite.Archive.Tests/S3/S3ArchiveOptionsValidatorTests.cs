using Microsoft.Extensions.Options;
using Starcite.Archive.S3;

namespace Starcite.Archive.Tests.S3;

[Trait("Category", "Unit")]
public sealed class S3ArchiveOptionsValidatorTests
{
    [Fact]
    public void ThrowIfInvalid_ValidOptions_Passes() => S3ArchiveOptionsValidator.ThrowIfInvalid(Valid());

    [Fact]
    public void ThrowIfInvalid_Defaults_NameTheMissingBucket()
    {
        var e = Assert.Throws<OptionsValidationException>(() => S3ArchiveOptionsValidator.ThrowIfInvalid(new S3ArchiveOptions()));
        Assert.Contains(e.Failures, f => f.Contains("Bucket is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Bucket", "Not_A_Bucket", "Bucket 'Not_A_Bucket' is not a valid bucket name")]
    [InlineData("Endpoint", "127.0.0.1:4568", "Endpoint '127.0.0.1:4568' must be an absolute http:// or https:// URL")]
    [InlineData("Endpoint", "ftp://host", "must be an absolute http:// or https:// URL")]
    [InlineData("Prefix", "starcite", "Prefix 'starcite' must be empty or end with '/'")]
    [InlineData("Prefix", "/starcite/", "must not start with '/'")]
    [InlineData("Prefix", "a b/", "Prefix must be at most 512 characters")]
    [InlineData("SecretAccessKey", null, "AccessKeyId and SecretAccessKey must be set together")]
    [InlineData("EventsPerChunk", 0, "The field EventsPerChunk must be between 1 and 100000.")]
    [InlineData("MaxConcurrency", 0, "The field MaxConcurrency must be between 1 and 256.")]
    public void ThrowIfInvalid_OneBadValue_FailsWithAMessageNamingIt(string property, object? value, string message)
    {
        var options = Valid();
        typeof(S3ArchiveOptions).GetProperty(property)!.SetValue(options, value);

        var e = Assert.Throws<OptionsValidationException>(() => S3ArchiveOptionsValidator.ThrowIfInvalid(options));
        Assert.Contains(e.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeConnecting() =>
        Assert.Throws<OptionsValidationException>(() => new S3ArchiveStore(new S3ArchiveOptions()));

    private static S3ArchiveOptions Valid() => new()
    {
        Bucket = "archive.bucket-1",
        Endpoint = "http://127.0.0.1:4568",
        AccessKeyId = "S3RVER",
        SecretAccessKey = "S3RVER",
        ForcePathStyle = true,
        Prefix = "starcite/prod/",
    };
}
