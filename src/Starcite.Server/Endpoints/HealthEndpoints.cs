using Starcite.Replication;
using Starcite.Server.Contracts;

namespace Starcite.Server.Endpoints;

/// <summary>Liveness and readiness (contract §8).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Status(StatusCodes.Status200OK, "ok", null));
        app.MapGet("/health/ready", (StarciteEngine engine) => engine.IsReady
            ? Status(StatusCodes.Status200OK, "ok", null, engine.Cluster)
            : Status(StatusCodes.Status503ServiceUnavailable, "unavailable", NotReadyReason(engine), engine.Cluster));
    }

    private static string NotReadyReason(StarciteEngine engine) => engine.Cluster switch
    {
        null => "local storage is not open",
        { LeaderEndPoint: null } => "no Raft leader is known (an election is running or there is no quorum)",
        { } cluster when cluster.AppliedIndex < cluster.CommitIndex => $"applying the log: entry {cluster.AppliedIndex} of {cluster.CommitIndex}",
        _ => "local storage is not open",
    };

    private static JsonResult Status(int status, string text, string? reason, ClusterStatus? cluster = null) =>
        JsonResult.Of(status, new HealthBody(text, reason, cluster is null ? null : new ClusterBody(
            cluster.Role.ToString().ToLowerInvariant(), cluster.LeaderEndPoint, cluster.LeaderClientUrl, cluster.Term, cluster.CommitIndex, cluster.AppliedIndex)),
            WireJsonContext.Default.HealthBody);
}
