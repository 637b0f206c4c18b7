namespace Starcite.Hosting.HealthChecks;

/// <summary>Names and tags of the health checks <c>AddStarcite</c> registers, for filtering health endpoints.</summary>
public static class StarciteHealthChecks
{
    /// <summary>The liveness check's name: healthy while the process runs.</summary>
    public const string LiveCheckName = "starcite-live";

    /// <summary>The readiness check's name: healthy while the engine is started and its store has not failed.</summary>
    public const string ReadyCheckName = "starcite-ready";

    /// <summary>The tag on the liveness check.</summary>
    public const string LiveTag = "live";

    /// <summary>The tag on the readiness check.</summary>
    public const string ReadyTag = "ready";
}
