namespace Starcite.Server.Cluster;

/// <summary>
/// Maps the cluster's environment variables onto <c>Starcite:Cluster</c> (contract §5, issue settings):
/// <c>STARCITE_CLUSTER_MEMBERS</c> (comma-separated Raft endpoints), <c>STARCITE_CLUSTER_SELF</c> and
/// <c>STARCITE_CLUSTER_CLIENT_URL</c>. Without a configured client URL, a member publishes
/// <c>http://&lt;its Raft host&gt;:&lt;its HTTP port&gt;</c> so the others can forward writes to it.
/// </summary>
internal static class ClusterSettings
{
    private const string Section = "Starcite:Cluster";

    public static void Apply(IConfiguration configuration, Dictionary<string, string?> overrides)
    {
        if (Environment.GetEnvironmentVariable("STARCITE_CLUSTER_MEMBERS") is { Length: > 0 } members)
        {
            var list = members.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = 0; i < list.Length; i++)
            {
                overrides[$"{Section}:Members:{i}"] = list[i];
            }
        }

        if (Environment.GetEnvironmentVariable("STARCITE_CLUSTER_SELF") is { Length: > 0 } self)
        {
            overrides[$"{Section}:Self"] = self;
        }

        if (Environment.GetEnvironmentVariable("STARCITE_CLUSTER_CLIENT_URL") is { Length: > 0 } clientUrl)
        {
            overrides[$"{Section}:ClientUrl"] = clientUrl;
        }

        var selfEndPoint = overrides.GetValueOrDefault($"{Section}:Self") ?? configuration[$"{Section}:Self"];
        var hasClientUrl = overrides.ContainsKey($"{Section}:ClientUrl") || !string.IsNullOrEmpty(configuration[$"{Section}:ClientUrl"]);
        var urls = overrides.GetValueOrDefault("urls") ?? configuration["urls"];
        if (!hasClientUrl && selfEndPoint is not null && DeriveClientUrl(selfEndPoint, urls) is { } derived)
        {
            overrides[$"{Section}:ClientUrl"] = derived;
        }
    }

    /// <summary>The first configured URL with a fixed port, on the host of this member's Raft endpoint.</summary>
    private static string? DeriveClientUrl(string selfEndPoint, string? urls)
    {
        var colon = selfEndPoint.LastIndexOf(':');
        if (colon <= 0 || urls is null)
        {
            return null;
        }

        var host = selfEndPoint[..colon].Trim(); // an IPv6 host keeps its brackets

        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normalised = url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
            if (Uri.TryCreate(normalised, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                return $"{uri.Scheme}://{host}:{uri.Port}";
            }
        }

        return null;
    }
}
