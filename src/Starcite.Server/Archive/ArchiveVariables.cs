using System.Globalization;

namespace Starcite.Server.Archive;

/// <summary>The archive's environment variables (issue settings, contract §5), mapped onto <c>Starcite:Archive:*</c>.
/// They win over appsettings.json, like the other <c>STARCITE_*</c> variables.</summary>
internal static class ArchiveVariables
{
    private const string Section = ArchiveServerOptions.SectionName;

    private static readonly (string Variable, string Key)[] Map =
    [
        ("STARCITE_ARCHIVE_ADAPTER", "Adapter"),
        ("STARCITE_EVENT_STORE_MAX_SIZE", "EventStoreMaxSize"),
        ("STARCITE_S3_BUCKET", "S3:Bucket"),
        ("STARCITE_S3_REGION", "S3:Region"),
        ("STARCITE_S3_ENDPOINT", "S3:Endpoint"),
        ("STARCITE_S3_ACCESS_KEY_ID", "S3:AccessKeyId"),
        ("STARCITE_S3_SECRET_ACCESS_KEY", "S3:SecretAccessKey"),
        ("STARCITE_S3_PREFIX", "S3:Prefix"),
        ("STARCITE_S3_PATH_STYLE", "S3:ForcePathStyle"),
    ];

    /// <summary>Adds the variables that are set to <paramref name="overrides"/>.</summary>
    /// <exception cref="InvalidOperationException">A variable holds a value of the wrong form.</exception>
    public static void AddTo(IDictionary<string, string?> overrides, Func<string, string?> environment)
    {
        foreach (var (variable, key) in Map)
        {
            if (environment(variable) is { Length: > 0 } value)
            {
                overrides[$"{Section}:{key}"] = value;
            }
        }

        // DATABASE_URL is the platform convention (Heroku, Fly, Render); STARCITE_POSTGRES_URL wins when both are set.
        if ((environment("STARCITE_POSTGRES_URL") is { Length: > 0 } url ? url : environment("DATABASE_URL")) is { Length: > 0 } database)
        {
            overrides[$"{Section}:Postgres:ConnectionString"] = PostgresUrl.ToConnectionString(database);
        }

        if (environment("STARCITE_ARCHIVE_FLUSH_INTERVAL_MS") is { Length: > 0 } flush)
        {
            if (!int.TryParse(flush, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds <= 0)
            {
                throw new InvalidOperationException($"STARCITE_ARCHIVE_FLUSH_INTERVAL_MS is '{flush}'; it must be a positive number of milliseconds.");
            }

            overrides[$"{Section}:FlushInterval"] = TimeSpan.FromMilliseconds(milliseconds).ToString("c", CultureInfo.InvariantCulture);
        }
    }
}
