using Starcite.Sessions;

namespace Starcite.Archive.PostgreSql.Internal;

/// <summary>Principal kinds as stored: the contract's JSON words, so the column reads naturally in SQL.</summary>
internal static class PrincipalTypes
{
    public static string ToText(PrincipalType type) => type switch
    {
        PrincipalType.User => "user",
        PrincipalType.Agent => "agent",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown principal type."),
    };

    public static PrincipalType FromText(string text) => text switch
    {
        "user" => PrincipalType.User,
        "agent" => PrincipalType.Agent,
        _ => throw new InvalidDataException($"Unknown creator_type '{text}' in the archive."),
    };
}
