namespace Starcite.Cluster.Tests.TestSupport;

/// <summary>Cluster tests run one at a time: each starts several members, and elections need the cores to keep time.</summary>
[CollectionDefinition(nameof(ClusterTests), DisableParallelization = true)]
public sealed class ClusterTests;
