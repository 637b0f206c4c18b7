using Starcite.Archive.PostgreSql;
using Starcite.Archive.S3;
using Starcite.Hosting;

namespace Starcite.Server.Archive;

/// <summary>Registers the archive store that <c>Starcite:Archive:Adapter</c> names, if any.</summary>
internal static class ArchiveStartup
{
    /// <summary>
    /// Reads the adapter and its settings now, so a misconfigured archive stops the server at start with a clear message.
    /// The store connects lazily: an archive that is down at start delays archiving, never the server (contract §5).
    /// </summary>
    /// <exception cref="InvalidOperationException">The adapter is unknown.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The adapter's settings are invalid.</exception>
    public static void AddStarciteArchive(this WebApplicationBuilder builder, IStarciteBuilder starcite)
    {
        var options = builder.Configuration.GetSection(ArchiveServerOptions.SectionName).Get<ArchiveServerOptions>() ?? new ArchiveServerOptions();
        switch (options.ParseAdapter())
        {
            case ArchiveAdapter.S3:
                S3ArchiveOptionsValidator.ThrowIfInvalid(options.S3);
                starcite.AddArchiveStore(sp => new S3ArchiveStore(options.S3, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
                break;
            case ArchiveAdapter.Postgres:
                PostgreSqlArchiveOptionsValidator.ThrowIfInvalid(options.Postgres);
                starcite.AddArchiveStore(sp => new PostgreSqlArchiveStore(options.Postgres, sp.GetService<ILoggerFactory>()));
                break;
            case ArchiveAdapter.None:
                break;
        }
    }
}
