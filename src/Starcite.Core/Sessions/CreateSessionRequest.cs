namespace Starcite.Sessions;

/// <summary>A session to create. Every field is optional.</summary>
public sealed class CreateSessionRequest
{
    /// <summary>1-128 characters from <c>A-Z a-z 0-9 . _ : -</c>, starting with a letter or digit. Absent: the engine generates <c>ses_</c> + 22 URL-safe random characters.</summary>
    public string? Id { get; init; }

    /// <summary>Optional title, at most 1,024 characters.</summary>
    public string? Title { get; init; }

    /// <summary>Optional JSON object; absent, empty or JSON <c>null</c> is stored as <c>{}</c>.</summary>
    public ReadOnlyMemory<byte>? Metadata { get; init; }

    /// <summary>Optional creator.</summary>
    public Principal? CreatorPrincipal { get; init; }
}
