using Starcite.Archive.PostgreSql;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Contract;

/// <summary>The archive contract against PostgreSQL (binary COPY, the default), each test in a schema of its own.</summary>
public sealed class PostgreSqlArchiveStoreContractTests : ArchiveStoreContractTests
{
    private readonly PostgresSchema _schema = new();

    protected override IArchiveStore CreateStore() => new PostgreSqlArchiveStore(_schema.Options());

    protected override ValueTask DisposeBackendAsync() => _schema.DisposeAsync();
}

/// <summary>The archive contract against PostgreSQL with the unnest insert path.</summary>
public sealed class PostgreSqlUnnestArchiveStoreContractTests : ArchiveStoreContractTests
{
    private readonly PostgresSchema _schema = new();

    protected override IArchiveStore CreateStore()
    {
        var options = _schema.Options();
        options.InsertMethod = EventInsertMethod.Unnest;
        return new PostgreSqlArchiveStore(options);
    }

    protected override ValueTask DisposeBackendAsync() => _schema.DisposeAsync();
}
