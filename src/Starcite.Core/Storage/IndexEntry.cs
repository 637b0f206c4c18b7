namespace Starcite.Storage;

/// <summary>
/// What the index holds for a key: where the event's record is, and the event's seq. The seq lets a retry of an old
/// (producer_id, producer_seq) find its event even after the record has left local storage for the archive.
/// </summary>
internal readonly record struct IndexEntry(long Address, int Length, long Seq)
{
    /// <summary>No entry.</summary>
    public static readonly IndexEntry None = new(-1, 0, 0);

    public bool Exists => Address >= 0;

    public LogPosition Position => new(Address, Length);

    public static IndexEntry Of(LogPosition position, long seq) => new(position.Address, position.Length, seq);
}
