using Starcite.Archive.S3;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Faults;

public sealed class S3OutageTests : ArchiveOutageTests
{
    private readonly S3Prefix _prefix = new();

    protected override TcpFaultProxy StartProxy()
    {
        var endpoint = new Uri(_prefix.Endpoint);
        return TcpFaultProxy.Start(endpoint.Host, endpoint.Port);
    }

    protected override IArchiveStore CreateProxiedStore()
    {
        var options = _prefix.Options(eventsPerChunk: 10, endpoint: Proxy.Url);
        options.RequestTimeout = TimeSpan.FromSeconds(2);
        options.MaxErrorRetry = 1;
        return new S3ArchiveStore(options);
    }

    protected override IArchiveStore CreateDirectStore() => new S3ArchiveStore(_prefix.Options(eventsPerChunk: 10));

    protected override ValueTask DisposeBackendAsync() => _prefix.DisposeAsync();
}
