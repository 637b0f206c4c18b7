namespace Starcite.Storage.Codec;

/// <summary>The kind of a log record. Persisted in every record: never renumber, only add.</summary>
internal enum RecordKind : byte
{
    /// <summary>A session was created.</summary>
    SessionCreated = 1,

    /// <summary>An event was appended to a session.</summary>
    EventAppended = 2,

    /// <summary>The archive confirmed a session's events up to a seq.</summary>
    SessionArchived = 3,
}
