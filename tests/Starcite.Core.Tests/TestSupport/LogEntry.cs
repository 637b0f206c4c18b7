using System.Buffers.Binary;

namespace Starcite.Tests.TestSupport;

/// <summary>One entry of a FasterLog segment file, as <see cref="LogFiles.Entries"/> found it.</summary>
/// <param name="Address">Its log address.</param>
/// <param name="Size">Header plus padded payload, in bytes.</param>
/// <param name="IsCommit">True for a fast-commit record.</param>
/// <param name="Payload">The payload (a Starcite record, or FasterLogRecoveryInfo for a commit).</param>
/// <param name="SegmentNumber">The segment file holding it.</param>
/// <param name="FileOffset">Its offset in that file.</param>
public sealed record LogEntry(long Address, int Size, bool IsCommit, byte[] Payload, int SegmentNumber, long FileOffset)
{
    public long End => Address + Size;

    /// <summary>For a commit record: the address everything before which it declares committed.</summary>
    public long CommitUntilAddress => IsCommit
        ? BinaryPrimitives.ReadInt64LittleEndian(Payload.AsSpan(4 + 8 + 8))
        : throw new InvalidOperationException("Not a commit record.");
}
