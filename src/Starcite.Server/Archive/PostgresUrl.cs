using Npgsql;

namespace Starcite.Server.Archive;

/// <summary>
/// Turns <c>postgres://user:password@host:port/database?sslmode=require</c>, the form <c>DATABASE_URL</c> takes on most
/// platforms, into an Npgsql connection string. A value that is not such a URL is taken as a connection string already.
/// </summary>
internal static class PostgresUrl
{
    /// <exception cref="InvalidOperationException">The value is a postgres URL that cannot be read.</exception>
    public static string ToConnectionString(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        // The message never repeats the URL: it holds a password.
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidOperationException("The PostgreSQL URL (DATABASE_URL or STARCITE_POSTGRES_URL) is not a valid postgres://user:password@host:port/database URL.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var setting = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[key] = setting; // sslmode, application_name and the other libpq keywords Npgsql knows
            }
            catch (ArgumentException)
            {
                throw new InvalidOperationException($"The PostgreSQL URL has a query parameter Npgsql does not know: '{key}'.");
            }
        }

        return builder.ConnectionString;
    }
}
