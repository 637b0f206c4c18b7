using Starcite.Archive.S3;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Contract;

/// <summary>
/// The archive contract against s3rver, each test under a key prefix of its own. Chunks of 10 events put chunk
/// boundaries inside every test's ranges (cursors, overlaps, partial chunks).
/// </summary>
public sealed class S3ArchiveStoreContractTests : ArchiveStoreContractTests
{
    private readonly S3Prefix _prefix = new();

    protected override IArchiveStore CreateStore() => new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10));

    protected override ValueTask DisposeBackendAsync() => _prefix.DisposeAsync();
}

/// <summary>The archive contract against s3rver with the default chunk size.</summary>
public sealed class S3DefaultChunkArchiveStoreContractTests : ArchiveStoreContractTests
{
    private readonly S3Prefix _prefix = new();

    protected override IArchiveStore CreateStore() => new S3ArchiveStore(_prefix.Options());

    protected override ValueTask DisposeBackendAsync() => _prefix.DisposeAsync();
}
