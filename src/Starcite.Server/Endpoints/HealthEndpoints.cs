using Starcite.Server.Contracts;

namespace Starcite.Server.Endpoints;

/// <summary>Liveness and readiness (contract §8).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Status(StatusCodes.Status200OK, "ok", null));
        app.MapGet("/health/ready", (StarciteEngine engine) => engine.IsReady
            ? Status(StatusCodes.Status200OK, "ok", null)
            : Status(StatusCodes.Status503ServiceUnavailable, "unavailable", "local storage is not open"));
    }

    private static JsonResult Status(int status, string text, string? reason) =>
        JsonResult.Of(status, new HealthBody(text, reason), WireJsonContext.Default.HealthBody);
}
