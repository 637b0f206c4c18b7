namespace Starcite.Sessions;

/// <summary>
/// A write as it is replicated: validated, with every clock reading already taken, so applying it is deterministic on
/// every member and in every replay.
/// </summary>
internal abstract record WriteCommand;

/// <summary>Create a session (contract §2) with its creation time fixed by the proposer.</summary>
internal sealed record CreateSessionWrite(string Id, string? Title, byte[] Metadata, Principal? CreatorPrincipal, long CreatedAtMicros) : WriteCommand;

/// <summary>Append an event to a session (contract §3); <see cref="AppendCommand.InsertedAtMicros"/> is fixed by the proposer.</summary>
internal sealed record AppendWrite(string SessionId, AppendCommand Command) : WriteCommand;
