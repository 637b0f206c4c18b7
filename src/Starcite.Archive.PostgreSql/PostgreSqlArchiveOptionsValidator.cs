using Microsoft.Extensions.Options;
using Npgsql;

namespace Starcite.Archive.PostgreSql;

/// <summary>Validates <see cref="PostgreSqlArchiveOptions"/>: DataAnnotations through the source generator, the connection string by hand.</summary>
[OptionsValidator]
public sealed partial class PostgreSqlArchiveOptionsValidator : IValidateOptions<PostgreSqlArchiveOptions>
{
    /// <summary>Validates the options and throws <see cref="OptionsValidationException"/> listing every failure.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="OptionsValidationException">Some option is invalid.</exception>
    public static void ThrowIfInvalid(PostgreSqlArchiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new PostgreSqlArchiveOptionsValidator().Validate(Options.DefaultName, options);
        var failures = new List<string>(result.Failed ? result.Failures : []);
        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                // The builder's message names the bad keyword; the connection string itself may hold a password.
                failures.Add($"ConnectionString is not a valid Npgsql connection string: {e.Message}");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PostgreSqlArchiveOptions), failures);
        }
    }
}
