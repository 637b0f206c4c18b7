namespace Starcite;

/// <summary>
/// A write reached a cluster member that is not the leader (code <c>unavailable</c>). Send it to the leader, whose
/// API address is <see cref="LeaderClientUrl"/> when known; the server does this for its clients.
/// </summary>
public sealed class NotLeaderException : StarciteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="leaderClientUrl">The leader's API address, when this node knows it.</param>
    public NotLeaderException(string? leaderClientUrl)
        : base("unavailable", leaderClientUrl is null ? "No leader is known yet; retry shortly" : $"This node is not the leader; the leader is {leaderClientUrl}")
    {
        LeaderClientUrl = leaderClientUrl;
    }

    /// <summary>The leader's API address, or null when no leader is known.</summary>
    public string? LeaderClientUrl { get; }
}
