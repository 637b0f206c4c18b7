using Starcite.Sessions;

namespace Starcite.Tests.TestSupport;

/// <summary>Compares sessions by value, JSON metadata included (records compare <see cref="ReadOnlyMemory{T}"/> by reference).</summary>
public sealed class SessionInfoComparer : IEqualityComparer<SessionInfo?>
{
    public static readonly SessionInfoComparer Instance = new();

    public bool Equals(SessionInfo? x, SessionInfo? y) =>
        x is null || y is null
            ? x is null && y is null
            : x.Id == y.Id && x.Title == y.Title && x.Metadata.Span.SequenceEqual(y.Metadata.Span)
              && x.CreatorPrincipal == y.CreatorPrincipal && x.LastSeq == y.LastSeq && x.ArchivedSeq == y.ArchivedSeq
              && x.CreatedAt == y.CreatedAt && x.UpdatedAt == y.UpdatedAt;

    public int GetHashCode(SessionInfo? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
}
