namespace Starcite.Hosting;

/// <summary>Where the hosted engine is in its life, so the readiness check can say why it is not ready.</summary>
internal sealed class EngineState
{
    private int _phase;

    public EnginePhase Phase => (EnginePhase)Volatile.Read(ref _phase);

    public void Set(EnginePhase phase) => Volatile.Write(ref _phase, (int)phase);
}

internal enum EnginePhase
{
    NotStarted,
    Starting,
    Started,
    StartFailed,
    Stopping,
    Stopped,
}
