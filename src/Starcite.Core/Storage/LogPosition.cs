namespace Starcite.Storage;

/// <summary>Where a record is in the log, and how long it is (so a read needs one I/O, not two).</summary>
internal readonly record struct LogPosition(long Address, int Length)
{
    /// <summary>No record.</summary>
    public static readonly LogPosition None = new(-1, 0);

    public bool Exists => Address >= 0;
}
