using Starcite.Cluster.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Cluster.Tests;

[Collection(nameof(ClusterTests))]
[Trait("Category", "Cluster")]
public sealed class ReplicationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeMembers_ElectOneLeader_AndReplicateEveryAppendToEveryMember()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();

        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        for (var n = 1; n <= 20; n++)
        {
            var result = await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
            Assert.Equal((AppendStatus.Appended, (long)n), (result.Status, result.Seq));
        }

        foreach (var member in cluster.Running)
        {
            var page = await cluster[member].ReadEventsAsync("ses_a", 0, 100, Ct); // a read barrier on followers
            Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), page.Events.Select(e => e.Seq));
            Assert.Equal(20, page.LastSeq);
        }
    }
}

