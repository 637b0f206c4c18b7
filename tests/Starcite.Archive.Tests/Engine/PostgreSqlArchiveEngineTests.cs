using Starcite.Archive.PostgreSql;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Engine;

/// <summary>The engine archive scenarios on PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgreSqlArchiveEngineTests : ArchiveEngineTests
{
    private readonly PostgresSchema _schema = new();

    // Short Npgsql timeouts (seconds; the cancellation wait in ms) so an outage fails a write quickly.
    protected override IArchiveStore CreateStore(bool viaProxy) => new PostgreSqlArchiveStore(viaProxy
        ? _schema.Options(_schema.Via(Proxy.Port, ";Timeout=1;Command Timeout=1;Cancellation Timeout=200"))
        : _schema.Options());

    protected override TcpFaultProxy StartProxy() => TcpFaultProxy.Start(TestEnvironment.PostgresHost, TestEnvironment.PostgresPort);

    protected override ValueTask DisposeBackendAsync() => _schema.DisposeAsync();
}
