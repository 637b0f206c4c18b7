using Npgsql;
using Starcite.Archive.PostgreSql;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>A schema of its own for one test on the suite's PostgreSQL, dropped afterwards.</summary>
public sealed class PostgresSchema : IAsyncDisposable
{
    public PostgresSchema()
    {
        ConnectionString = TestEnvironment.PostgresConnection;
        Name = "t_" + Guid.NewGuid().ToString("N");
    }

    public string ConnectionString { get; }

    public string Name { get; }

    public PostgreSqlArchiveOptions Options(string? connectionString = null) => new()
    {
        ConnectionString = connectionString ?? ConnectionString,
        Schema = Name,
    };

    /// <summary>The connection string with its host and port replaced, for example by a <see cref="TcpFaultProxy"/>'s.</summary>
    public string Via(int port, string extra = "") =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = port }.ConnectionString + extra;

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is DBNull or null ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
