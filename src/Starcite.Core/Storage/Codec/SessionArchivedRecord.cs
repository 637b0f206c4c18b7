namespace Starcite.Storage.Codec;

/// <summary>A SessionArchived record: the archive confirmed session <see cref="SessionNumber"/> up to <see cref="ArchivedSeq"/>.</summary>
internal readonly record struct SessionArchivedRecord(long SessionNumber, long ArchivedSeq, long ArchivedBytes);
