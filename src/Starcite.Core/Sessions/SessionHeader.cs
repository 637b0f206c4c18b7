namespace Starcite.Sessions;

/// <summary>The immutable part of a session, fixed at creation and logged in its creation record.</summary>
/// <param name="Number">The session's number in this store (1, 2, ...), part of every index key and event record.</param>
/// <param name="Id">The session id.</param>
/// <param name="Title">Optional title.</param>
/// <param name="Metadata">Compact JSON object.</param>
/// <param name="CreatorPrincipal">Optional creator.</param>
/// <param name="CreatedAtMicros">Creation time, microseconds since the Unix epoch (UTC).</param>
internal sealed record SessionHeader(
    long Number,
    string Id,
    string? Title,
    byte[] Metadata,
    Principal? CreatorPrincipal,
    long CreatedAtMicros);
