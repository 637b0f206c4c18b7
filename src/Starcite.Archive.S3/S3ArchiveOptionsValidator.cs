using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Starcite.Archive.S3;

/// <summary>Validates <see cref="S3ArchiveOptions"/>: DataAnnotations through the source generator, cross-field rules by hand.</summary>
[OptionsValidator]
public sealed partial class S3ArchiveOptionsValidator : IValidateOptions<S3ArchiveOptions>
{
    /// <summary>The longest <see cref="S3ArchiveOptions.Prefix"/>: keys stay under S3's 1,024 bytes with the longest session id.</summary>
    internal const int MaxPrefixLength = 512;

    /// <summary>Validates the options and throws <see cref="OptionsValidationException"/> listing every failure.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="OptionsValidationException">Some option is invalid.</exception>
    public static void ThrowIfInvalid(S3ArchiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new S3ArchiveOptionsValidator().Validate(Options.DefaultName, options);
        var failures = new List<string>(result.Failed ? result.Failures : []);
        failures.AddRange(CrossFieldFailures(options));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(S3ArchiveOptions), failures);
        }
    }

    private static IEnumerable<string> CrossFieldFailures(S3ArchiveOptions options)
    {
        if (!string.IsNullOrEmpty(options.Bucket) && !BucketName().IsMatch(options.Bucket))
        {
            yield return $"Bucket '{options.Bucket}' is not a valid bucket name: 3-63 characters from a-z, 0-9, '.' and '-', starting and ending with a letter or digit.";
        }

        if (options.Endpoint is not null
            && (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            yield return $"Endpoint '{options.Endpoint}' must be an absolute http:// or https:// URL, for example 'http://127.0.0.1:4568'; leave it null for AWS.";
        }

        if (string.IsNullOrEmpty(options.AccessKeyId) != string.IsNullOrEmpty(options.SecretAccessKey))
        {
            yield return "AccessKeyId and SecretAccessKey must be set together, or both left empty to use the SDK's default credential chain.";
        }

        var prefix = options.Prefix ?? string.Empty;
        if (prefix.Length > 0 && (!prefix.EndsWith('/') || prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal)))
        {
            yield return $"Prefix '{prefix}' must be empty or end with '/', and must not start with '/' or contain '//', for example 'starcite/prod/'.";
        }

        if (prefix.Length > MaxPrefixLength || !SafePrefix().IsMatch(prefix))
        {
            yield return $"Prefix must be at most {MaxPrefixLength} characters from A-Z, a-z, 0-9 and ! - _ . * ' ( ) /, the characters S3 keys carry safely.";
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^[A-Za-z0-9!\-_.*'()/]*$")]
    private static partial Regex SafePrefix();
}
