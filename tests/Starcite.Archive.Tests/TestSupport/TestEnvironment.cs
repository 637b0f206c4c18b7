namespace Starcite.Archive.Tests.TestSupport;

/// <summary>
/// The servers the archive tests run against, from the variables ./test.sh exports (scripts/test-infra.sh). A missing
/// variable fails the test, never skips it: an archive suite that silently ran nothing would look green.
/// </summary>
public static class TestEnvironment
{
    public static string PostgresConnection => Require("TEST_PG_CONNECTION");

    public static string PostgresHost => Require("TEST_PG_HOST");

    public static int PostgresPort => int.Parse(Require("TEST_PG_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static string S3Endpoint => Require("TEST_S3_ENDPOINT");

    public static string S3Bucket => Require("TEST_S3_BUCKET");

    public static string S3Region => Require("TEST_S3_REGION");

    public static string S3AccessKey => Require("TEST_S3_ACCESS_KEY");

    public static string S3SecretKey => Require("TEST_S3_SECRET_KEY");

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. The archive tests need a real PostgreSQL and S3 server: run them through ./test.sh, " +
                "which installs and starts both; or, from a shell, `source scripts/test-infra.sh && infra_install && infra_up` first.");
}
