using Starcite.Archive.S3;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Engine;

/// <summary>The engine archive scenarios on S3 (s3rver), each test under a key prefix of its own, with small chunks so
/// archive writes and reads cross many chunk boundaries.</summary>
public sealed class S3ArchiveEngineTests : ArchiveEngineTests
{
    private readonly S3Prefix _prefix = new();

    protected override IArchiveStore CreateStore(bool viaProxy)
    {
        var options = _prefix.Options(eventsPerChunk: 64, endpoint: viaProxy ? Proxy.Url : null);
        if (viaProxy)
        {
            options.RequestTimeout = TimeSpan.FromSeconds(2);
            options.MaxErrorRetry = 1;
        }

        return new S3ArchiveStore(options);
    }

    protected override TcpFaultProxy StartProxy()
    {
        var endpoint = new Uri(_prefix.Endpoint);
        return TcpFaultProxy.Start(endpoint.Host, endpoint.Port);
    }

    protected override ValueTask DisposeBackendAsync() => _prefix.DisposeAsync();
}
