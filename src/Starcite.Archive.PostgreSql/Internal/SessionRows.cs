namespace Starcite.Archive.PostgreSql.Internal;

/// <summary>A write's session records as column arrays: the array parameters of the <c>unnest</c> upsert.</summary>
internal sealed class SessionRows
{
    /// <summary>Bits of the <c>escaped</c> column (see <see cref="TextEscaping"/>).</summary>
    public const short TitleBit = 1, CreatorTenantIdBit = 2, CreatorIdBit = 4;

    private readonly string[] _id;
    private readonly string?[] _title;
    private readonly ReadOnlyMemory<byte>[] _metadata;
    private readonly string?[] _creatorTenantId;
    private readonly string?[] _creatorId;
    private readonly string?[] _creatorType;
    private readonly long[] _lastSeq;
    private readonly long[] _archivedSeq;
    private readonly DateTime[] _createdAt;
    private readonly DateTime[] _updatedAt;
    private readonly short?[] _escaped;

    public SessionRows(IReadOnlyList<ArchiveWrite> batch, int start, int count)
    {
        _id = new string[count];
        _title = new string?[count];
        _metadata = new ReadOnlyMemory<byte>[count];
        _creatorTenantId = new string?[count];
        _creatorId = new string?[count];
        _creatorType = new string?[count];
        _lastSeq = new long[count];
        _archivedSeq = new long[count];
        _createdAt = new DateTime[count];
        _updatedAt = new DateTime[count];
        _escaped = new short?[count];
        for (var row = 0; row < count; row++)
        {
            var s = batch[start + row].Session;
            short escaped = 0;
            _id[row] = s.Id;
            _title[row] = TextEscaping.Encode(s.Title, TitleBit, ref escaped);
            _metadata[row] = s.Metadata;
            _creatorTenantId[row] = TextEscaping.Encode(s.CreatorPrincipal?.TenantId, CreatorTenantIdBit, ref escaped);
            _creatorId[row] = TextEscaping.Encode(s.CreatorPrincipal?.Id, CreatorIdBit, ref escaped);
            _creatorType[row] = s.CreatorPrincipal is { } p ? PrincipalTypes.ToText(p.Type) : null;
            _lastSeq[row] = s.LastSeq;
            _archivedSeq[row] = s.ArchivedSeq;
            _createdAt[row] = ArchiveArguments.ToMicroseconds(s.CreatedAt).UtcDateTime;
            _updatedAt[row] = ArchiveArguments.ToMicroseconds(s.UpdatedAt).UtcDateTime;
            _escaped[row] = escaped == 0 ? null : escaped;
        }
    }

    public IEnumerable<object> Columns() =>
        [_id, _title, _metadata, _creatorTenantId, _creatorId, _creatorType, _lastSeq, _archivedSeq, _createdAt, _updatedAt, _escaped];
}
