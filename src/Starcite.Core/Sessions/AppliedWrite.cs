namespace Starcite.Sessions;

/// <summary>What applying one <see cref="WriteCommand"/> did, reported back to the member that proposed it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Runtime">The session, when it exists.</param>
/// <param name="Seq">For <see cref="AppliedWriteKind.Appended"/>: the new event's seq.</param>
/// <param name="Rejection">For <see cref="AppliedWriteKind.Rejected"/>: the conflict, with the session's last_seq.</param>
internal readonly record struct AppliedWrite(AppliedWriteKind Kind, SessionRuntime? Runtime, long Seq = 0, AppendResult Rejection = default);

internal enum AppliedWriteKind
{
    /// <summary>The session was created.</summary>
    Created,

    /// <summary>A session with that id already existed; nothing changed.</summary>
    Exists,

    /// <summary>The event was appended at <see cref="AppliedWrite.Seq"/>.</summary>
    Appended,

    /// <summary>The (producer_id, producer_seq) was accepted earlier; nothing changed. Whether the retry is a duplicate
    /// or a replay conflict is decided by comparing content, outside the apply step (it needs a read).</summary>
    AcceptedEarlier,

    /// <summary>A conflict (producer order or expected_seq); nothing changed.</summary>
    Rejected,

    /// <summary>The session does not exist; nothing changed.</summary>
    SessionNotFound,
}
