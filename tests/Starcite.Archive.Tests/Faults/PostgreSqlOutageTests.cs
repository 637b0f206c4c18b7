using Starcite.Archive.PostgreSql;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Faults;

public sealed class PostgreSqlOutageTests : ArchiveOutageTests
{
    private readonly PostgresSchema _schema = new();

    protected override TcpFaultProxy StartProxy() =>
        TcpFaultProxy.Start(TestEnvironment.PostgresHost, TestEnvironment.PostgresPort);

    // Short Npgsql timeouts (seconds; the cancellation wait in ms) so a hung server fails the call quickly.
    protected override IArchiveStore CreateProxiedStore() =>
        new PostgreSqlArchiveStore(_schema.Options(_schema.Via(Proxy.Port, ";Timeout=3;Command Timeout=3;Cancellation Timeout=500")));

    protected override IArchiveStore CreateDirectStore() => new PostgreSqlArchiveStore(_schema.Options());

    protected override ValueTask DisposeBackendAsync() => _schema.DisposeAsync();

    /// <summary>One write is one transaction: a write cut in the middle leaves nothing of itself behind.</summary>
    protected override async Task AssertAfterFailedWriteAsync()
    {
        Assert.Equal(20L, await _schema.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema.Name}\".archive_events"));
        Assert.Equal(20L, await _schema.ScalarAsync<long>($"SELECT last_seq FROM \"{_schema.Name}\".archive_sessions WHERE session_id = 'ses_a'"));
    }
}
