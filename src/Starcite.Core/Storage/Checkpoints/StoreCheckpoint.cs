using Starcite.Sessions;

namespace Starcite.Storage.Checkpoints;

/// <summary>A durable checkpoint: it covers the local log below <see cref="CoveredAddress"/> and, in a cluster, the
/// replicated log up to <see cref="Applied"/>; <see cref="Sessions"/> is every session's state at that point (kept so a
/// snapshot for another member shows exactly that state), or null when not known.</summary>
internal sealed record StoreCheckpoint(long CoveredAddress, AppliedPosition Applied, IReadOnlyList<SessionState>? Sessions = null);
