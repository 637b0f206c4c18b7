namespace Starcite.Sessions;

/// <summary>A page request for <see cref="StarciteEngine.ListSessionsAsync"/>.</summary>
public sealed class SessionQuery
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Page size, 1-1000.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>The last id of the previous page (exclusive), or null for the first page.</summary>
    public string? Cursor { get; init; }

    /// <summary>
    /// Keeps sessions whose top-level metadata value at each key is a string equal to the value, or a number or
    /// boolean whose JSON text equals it.
    /// </summary>
    public IReadOnlyDictionary<string, string>? MetadataFilter { get; init; }
}
