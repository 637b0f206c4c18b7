using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Starcite.Benchmarks.Peers.Support;

namespace Starcite.Benchmarks.Peers.Nats;

/// <summary>
/// A nats-server with JetStream started elsewhere (scripts/peer-infra.sh). One file-backed stream holds every session,
/// one subject per session. JetStream acknowledges a publish once it is in the store's write buffer and fsyncs on its
/// own schedule, so this row is "acknowledged before fsync".
/// </summary>
public sealed class NatsJetStreamSystem : IPeerSystem
{
    internal const string StreamName = "SESSIONS";
    internal const string SubjectPrefix = "ses.";
    private readonly string _url;
    private readonly int? _pid;
    private readonly string? _dataDirectory;

    public NatsJetStreamSystem(string url, int? pid = null, string? dataDirectory = null)
    {
        _url = url;
        _pid = pid;
        _dataDirectory = dataDirectory;
    }

    public string Name => "NATS JetStream";

    public Durability Durability => Durability.AckBeforeFsync;

    /// <summary>How long JetStream remembers a <c>Nats-Msg-Id</c>: dedupe holds only inside this window (the server's default).</summary>
    public static TimeSpan DuplicateWindow { get; } = TimeSpan.FromMinutes(2);

    public async Task<IPeerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(new NatsOpts { Url = _url, Name = "starcite-peer-bench" });
        await connection.ConnectAsync().ConfigureAwait(false);
        var js = new NatsJSContext(connection);
        await js.CreateOrUpdateStreamAsync(new StreamConfig(StreamName, [SubjectPrefix + ">"])
        {
            Storage = StreamConfigStorage.File,
            DuplicateWindow = DuplicateWindow,
        }, cancellationToken).ConfigureAwait(false);
        return new NatsJetStreamClient(connection, js);
    }

    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var client = (NatsJetStreamClient)await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var stream = await client.JetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        var config = stream.Info.Config;
        return $"nats-server {client.Connection.ServerInfo?.Version} (Debian package), JetStream file storage, one stream `{StreamName}` " +
            $"with subjects `{SubjectPrefix}>` (a subject per session), `duplicate_window {config.DuplicateWindow.TotalSeconds:0}s`, " +
            "replicas 1, server's default store sync (no fsync per message)";
    }

    public ResourceUsage? MeasureResources() => _pid is { } pid && _dataDirectory is { } dir
        ? new ResourceUsage(ServerResources.Pss([pid]), ServerResources.DiskBytes(dir))
        : null;

    public IReadOnlyList<int> ServerProcessIds() => _pid is { } pid ? [pid] : [];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
