using Starcite.Replication;

namespace Starcite.Server;

/// <summary>
/// Runs socket completions on .NET's epoll thread instead of posting each one to the thread pool, the runtime half of
/// Kestrel's <c>UnsafePreferInlineScheduling</c> (which the server turns on): a request is read, handled up to its first
/// real wait, and answered without a thread hop. On this project's 2-core machine it is 4-17 % more appends/s (six of
/// six alternating pairs, docs/benchmarks.md). It is safe because nothing on a request's path blocks a thread: every
/// wait is asynchronous and a commit completes on FASTER's own threads.
/// </summary>
/// <remarks>
/// Only a single-node server turns it on: a cluster member's Raft traffic would also run on the epoll thread, and that
/// code is DotNext's, not ours to vouch for. The runtime reads the variable once, when the first socket is created,
/// so this must run before the host starts; an operator's own setting of the variable (to 0, say) is left alone.
/// </remarks>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>What the startup log reports: whether this process runs socket completions inline.</summary>
    public static string Mode => Environment.GetEnvironmentVariable(Variable) == "1" ? "inline" : "thread pool";

    public static void EnableUnlessClustered(IConfiguration configuration)
    {
        if (IsWanted(configuration, Environment.GetEnvironmentVariable(Variable)))
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>
    /// True for a single node whose operator has not set the variable. Only the member list is bound (and
    /// <see cref="ClusterOptions.IsEnabled"/> asked of it): a bad value elsewhere in the section is the options
    /// validation's to report, with its own message, when the host starts.
    /// </summary>
    public static bool IsWanted(IConfiguration configuration, string? operatorSetting) =>
        operatorSetting is null && !new ClusterOptions { Members = configuration.GetSection("Starcite:Cluster:Members").Get<List<string>>() ?? [] }.IsEnabled;
}
