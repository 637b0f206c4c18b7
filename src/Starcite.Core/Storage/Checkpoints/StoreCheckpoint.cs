namespace Starcite.Storage.Checkpoints;

/// <summary>A durable checkpoint: it covers the local log below <see cref="CoveredAddress"/> and, in a cluster, the
/// replicated log up to <see cref="Applied"/>.</summary>
internal sealed record StoreCheckpoint(long CoveredAddress, AppliedPosition Applied);
