using Npgsql;
using Starcite.Server.Archive;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Archive;

public sealed class ArchiveSettingsTests
{
    [Fact]
    public void Variables_MapOntoTheArchiveSection()
    {
        var environment = new Dictionary<string, string>
        {
            ["STARCITE_ARCHIVE_ADAPTER"] = "s3",
            ["STARCITE_S3_BUCKET"] = "history",
            ["STARCITE_S3_REGION"] = "eu-west-1",
            ["STARCITE_S3_ENDPOINT"] = "http://127.0.0.1:9000",
            ["STARCITE_S3_ACCESS_KEY_ID"] = "key",
            ["STARCITE_S3_SECRET_ACCESS_KEY"] = "secret",
            ["STARCITE_S3_PREFIX"] = "prod/",
            ["STARCITE_S3_PATH_STYLE"] = "true",
            ["STARCITE_ARCHIVE_FLUSH_INTERVAL_MS"] = "250",
            ["STARCITE_EVENT_STORE_MAX_SIZE"] = "512MB",
        };
        var overrides = new Dictionary<string, string?>();

        ArchiveVariables.AddTo(overrides, name => environment.GetValueOrDefault(name));

        Assert.Equal("s3", overrides["Starcite:Archive:Adapter"]);
        Assert.Equal("history", overrides["Starcite:Archive:S3:Bucket"]);
        Assert.Equal("eu-west-1", overrides["Starcite:Archive:S3:Region"]);
        Assert.Equal("http://127.0.0.1:9000", overrides["Starcite:Archive:S3:Endpoint"]);
        Assert.Equal("key", overrides["Starcite:Archive:S3:AccessKeyId"]);
        Assert.Equal("secret", overrides["Starcite:Archive:S3:SecretAccessKey"]);
        Assert.Equal("prod/", overrides["Starcite:Archive:S3:Prefix"]);
        Assert.Equal("true", overrides["Starcite:Archive:S3:ForcePathStyle"]);
        Assert.Equal(TimeSpan.FromMilliseconds(250), TimeSpan.Parse(overrides["Starcite:Archive:FlushInterval"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("512MB", overrides["Starcite:Archive:EventStoreMaxSize"]);
    }

    [Fact]
    public void PostgresUrl_WinsOverDatabaseUrl_AndBecomesAConnectionString()
    {
        var environment = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = "postgres://ignored@elsewhere/db",
            ["STARCITE_POSTGRES_URL"] = "postgresql://app:p%40ss@db.internal:6543/starcite?sslmode=require",
        };
        var overrides = new Dictionary<string, string?>();

        ArchiveVariables.AddTo(overrides, name => environment.GetValueOrDefault(name));

        var built = new NpgsqlConnectionStringBuilder(overrides["Starcite:Archive:Postgres:ConnectionString"]);
        Assert.Equal(("db.internal", 6543, "starcite", "app", "p@ss", SslMode.Require),
            (built.Host, built.Port, built.Database, built.Username, built.Password, built.SslMode));
    }

    [Fact]
    public void DatabaseUrl_AloneIsUsed_AndAConnectionStringPassesThrough()
    {
        var overrides = new Dictionary<string, string?>();

        ArchiveVariables.AddTo(overrides, name => name == "DATABASE_URL" ? "Host=127.0.0.1;Port=5432;Database=x" : null);

        Assert.Equal("Host=127.0.0.1;Port=5432;Database=x", overrides["Starcite:Archive:Postgres:ConnectionString"]);
        Assert.False(overrides.ContainsKey("Starcite:Archive:Adapter"));
    }

    [Theory]
    [InlineData("postgres://:::bad")]
    [InlineData("postgres://host/db?nosuchkeyword=1")]
    public void PostgresUrl_Unreadable_FailsWithoutEchoingTheUrl(string url)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => PostgresUrl.ToConnectionString(url));

        Assert.DoesNotContain(url, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    public void FlushInterval_NotAPositiveNumber_IsRefused(string value)
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            ArchiveVariables.AddTo(new Dictionary<string, string?>(), name => name == "STARCITE_ARCHIVE_FLUSH_INTERVAL_MS" ? value : null));

        Assert.Contains("STARCITE_ARCHIVE_FLUSH_INTERVAL_MS", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAdapter_StopsTheServerAtStart_NamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Archive:Adapter"] = "tape" }));

        Assert.Contains("STARCITE_ARCHIVE_ADAPTER", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3AdapterWithoutBucket_StopsTheServerAtStart()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Archive:Adapter"] = "s3" }));

        Assert.Contains("Bucket", failure.Message, StringComparison.Ordinal);
    }
}
