using Microsoft.Extensions.Options;
using Starcite.Archive.PostgreSql;

namespace Starcite.Archive.Tests.PostgreSql;

[Trait("Category", "Unit")]
public sealed class PostgreSqlArchiveOptionsValidatorTests
{
    [Fact]
    public void ThrowIfInvalid_ValidOptions_Passes() => PostgreSqlArchiveOptionsValidator.ThrowIfInvalid(Valid());

    [Fact]
    public void ThrowIfInvalid_Defaults_NameTheMissingConnectionString()
    {
        var e = Assert.Throws<OptionsValidationException>(() => PostgreSqlArchiveOptionsValidator.ThrowIfInvalid(new PostgreSqlArchiveOptions()));
        Assert.Contains(e.Failures, f => f.Contains("ConnectionString is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Schema", "Starcite", "Schema must be a lower-case PostgreSQL identifier")]
    [InlineData("Schema", "1abc", "Schema must be a lower-case PostgreSQL identifier")]
    [InlineData("Schema", "a\"b", "Schema must be a lower-case PostgreSQL identifier")]
    [InlineData("TablePrefix", "x-", "TablePrefix must be empty or 1-40 characters")]
    [InlineData("ConnectionString", "Hots=db", "ConnectionString is not a valid Npgsql connection string")]
    public void ThrowIfInvalid_OneBadValue_FailsWithAMessageNamingIt(string property, object value, string message)
    {
        var options = Valid();
        typeof(PostgreSqlArchiveOptions).GetProperty(property)!.SetValue(options, value);

        var e = Assert.Throws<OptionsValidationException>(() => PostgreSqlArchiveOptionsValidator.ThrowIfInvalid(options));
        Assert.Contains(e.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ThrowIfInvalid_BadConnectionString_DoesNotEchoThePassword()
    {
        var options = Valid();
        options.ConnectionString = "Host=db;Password=hunter2;Bogus=1";

        var e = Assert.Throws<OptionsValidationException>(() => PostgreSqlArchiveOptionsValidator.ThrowIfInvalid(options));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TablePrefix_Empty_IsAllowed()
    {
        var options = Valid();
        options.TablePrefix = "";
        PostgreSqlArchiveOptionsValidator.ThrowIfInvalid(options);
    }

    private static PostgreSqlArchiveOptions Valid() => new()
    {
        ConnectionString = "Host=127.0.0.1;Port=5432;Username=u;Password=p;Database=d",
        Schema = "starcite_archive",
    };
}
