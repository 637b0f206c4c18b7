using Microsoft.Extensions.Configuration;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

/// <summary>
/// A single-node server process runs socket completions inline (docs/benchmarks.md); a cluster member and an operator
/// who set the runtime's variable themselves keep the runtime's default.
/// </summary>
public sealed class InlineSocketCompletionsTests : IDisposable
{
    private static readonly string ServerDll = ServerProcess.DllPath(typeof(InlineSocketCompletionsTests).Assembly);
    private static readonly Dictionary<string, string> OptionsLine = new() { ["Logging:LogLevel:Starcite.Server"] = "Information" };
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "starcite-inline-completions-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void WantedForASingleNode_NotForAClusterMember_NorOverAnOperatorsSetting()
    {
        Assert.True(InlineSocketCompletions.IsWanted(Configuration([]), operatorSetting: null));
        Assert.False(InlineSocketCompletions.IsWanted(Configuration(new() { ["Starcite:Cluster:Members:0"] = "127.0.0.1:7001" }), operatorSetting: null));
        Assert.False(InlineSocketCompletions.IsWanted(Configuration([]), operatorSetting: "0"));

        // A bad value elsewhere in the section is left for the options validation to report when the host starts.
        Assert.True(InlineSocketCompletions.IsWanted(Configuration(new() { ["Starcite:Cluster:LowerElectionTimeoutMilliseconds"] = "soon" }), operatorSetting: null));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task TheServerProcess_RunsThemInline_AndReportsIt_UnlessTheOperatorSetTheVariable()
    {
        await using (var server = await ServerProcess.StartAsync(ServerDll, Path.Combine(_dataDirectory, "default"), OptionsLine))
        {
            await AppendOneAsync(server);
            Assert.Contains("SocketCompletions=inline", server.Output, StringComparison.Ordinal);
        }

        var optedOut = new Dictionary<string, string>(OptionsLine) { [InlineSocketCompletions.Variable] = "0" };
        await using var pooled = await ServerProcess.StartAsync(ServerDll, Path.Combine(_dataDirectory, "opted-out"), optedOut);
        await AppendOneAsync(pooled);
        Assert.Contains("SocketCompletions=thread pool", pooled.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static async Task AppendOneAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var ct = TestContext.Current.CancellationToken;
        using var created = await http.PostAsync("/v1/sessions", new StringContent("""{"id":"ses_inline"}""", System.Text.Encoding.UTF8, "application/json"), ct);
        using var appended = await http.PostAsync("/v1/sessions/ses_inline/append", new StringContent(Appends.Body("p", 1), System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, appended.StatusCode);
    }
}
