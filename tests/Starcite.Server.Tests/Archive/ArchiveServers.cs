using System.Globalization;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Server.Tests.Archive;

/// <summary>Server settings for the real archive servers ./test.sh starts (scripts/test-infra.sh), each test with a
/// prefix or schema of its own.</summary>
internal static class ArchiveServers
{
    public const string FastFlush = "00:00:00.100";

    public static Dictionary<string, string?> S3(string prefix, string? endpoint = null) => new()
    {
        ["Starcite:Archive:Adapter"] = "s3",
        ["Starcite:Archive:FlushInterval"] = FastFlush,
        ["Starcite:Archive:S3:Bucket"] = TestEnvironment.S3Bucket,
        ["Starcite:Archive:S3:Region"] = TestEnvironment.S3Region,
        ["Starcite:Archive:S3:Endpoint"] = endpoint ?? TestEnvironment.S3Endpoint,
        ["Starcite:Archive:S3:AccessKeyId"] = TestEnvironment.S3AccessKey,
        ["Starcite:Archive:S3:SecretAccessKey"] = TestEnvironment.S3SecretKey,
        ["Starcite:Archive:S3:Prefix"] = prefix,
        ["Starcite:Archive:S3:ForcePathStyle"] = "true",
    };

    public static Dictionary<string, string?> Postgres(string schema, string? connectionString = null) => new()
    {
        ["Starcite:Archive:Adapter"] = "postgres",
        ["Starcite:Archive:FlushInterval"] = FastFlush,
        ["Starcite:Archive:Postgres:ConnectionString"] = connectionString ?? TestEnvironment.PostgresConnection,
        ["Starcite:Archive:Postgres:Schema"] = schema,
    };

    public static string NewSchema() => "srv_" + Guid.NewGuid().ToString("N");

    public static string NewPrefix() => $"server-tests/{Guid.NewGuid():N}/";

    /// <summary>The test PostgreSQL's connection string, reaching it through <paramref name="port"/> (a fault proxy).</summary>
    public static string PostgresVia(int port) =>
        new Npgsql.NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnection) { Host = "127.0.0.1", Port = port, Timeout = 2, CommandTimeout = 5 }
            .ConnectionString;

    public static int PostgresPort => TestEnvironment.PostgresPort;

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
