namespace Starcite;

/// <summary>The engine is shutting down or has been disposed (code <c>unavailable</c>).</summary>
public sealed class EngineClosedException : StarciteException
{
    /// <summary>Creates the exception.</summary>
    public EngineClosedException()
        : base("unavailable", "The Starcite engine is shutting down")
    {
    }
}
