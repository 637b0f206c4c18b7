namespace Starcite.Tests.TestSupport;

/// <summary>Ways to damage the tail of the log, as a torn write, a lost write or a bad sector would.</summary>
public enum LogDamage
{
    /// <summary>Three bytes off the last segment file: sector padding only, when the file has any.</summary>
    CutFewBytes,

    /// <summary>The padding and the last byte of the final commit record.</summary>
    CutLastByteOfLastCommit,

    /// <summary>As many bytes as the last event record takes, counted back from the end of the data.</summary>
    CutOneRecordWorth,

    /// <summary>Into the middle of the last committed event record.</summary>
    CutMiddleOfLastEvent,

    /// <summary>Garbage over the last event record and the commit record after it; the file keeps its size.</summary>
    GarbageOverLastEvent,

    /// <summary>Garbage over the last 512-byte sector of the file, padding included.</summary>
    GarbageOverLastSector,

    /// <summary>The last segment file cut to zero bytes.</summary>
    EmptyLastSegment,
}
