using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Starcite.Hosting.HealthChecks;

/// <summary>Healthy iff <see cref="StarciteEngine.IsReady"/>; otherwise unhealthy, saying why.</summary>
internal sealed class StarciteReadinessCheck(StarciteEngine engine, EngineState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (engine.IsReady)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The Starcite engine is running."));
        }

        var reason = state.Phase switch
        {
            EnginePhase.NotStarted => "The Starcite engine has not been started.",
            EnginePhase.Starting => "The Starcite engine is recovering its data.",
            EnginePhase.StartFailed => "The Starcite engine failed to start.",
            EnginePhase.Started => "The Starcite store failed; restart the host to recover.",
            _ => "The Starcite engine has stopped.",
        };
        return Task.FromResult(HealthCheckResult.Unhealthy(reason));
    }
}
