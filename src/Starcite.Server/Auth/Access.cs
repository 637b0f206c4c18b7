namespace Starcite.Server.Auth;

/// <summary>What an endpoint does, which decides what a token must allow (see <see cref="AccessPolicy"/>).</summary>
internal enum Access
{
    CreateSession,
    ListSessions,
    ReadSession,
    TailSession,
    AppendToSession,
    IssueToken,
}
