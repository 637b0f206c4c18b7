using Starcite.Sessions;

namespace Starcite.Storage.Checkpoints;

/// <summary>
/// Every session's decide state as of one log address: everything before it, nothing after it; in a cluster also the
/// replicated-log position those records came from.
/// </summary>
internal sealed record SessionSnapshot(long CoveredAddress, IReadOnlyList<SessionState> Sessions, AppliedPosition Applied);
