using Starcite.Hosting.Tests.TestSupport;

namespace Starcite.Hosting.Tests.Docs;

/// <summary>The README's Generic Host code comes from the sample that CI builds; this keeps the copies identical.</summary>
[Trait("Category", "Unit")]
public sealed class ReadmeSnippetTests
{
    [Fact]
    public void GenericHostQuickstart_InReadme_MatchesTheSample()
    {
        var readme = File.ReadAllLines(RepositoryFiles.PathOf("README.md"));
        var sample = File.ReadAllLines(RepositoryFiles.PathOf("samples/Starcite.Samples.GenericHost/Program.cs"));

        var inReadme = Between(readme, "<!-- snippet: generichost-quickstart -->", "<!-- endSnippet -->")
            .Where(line => !line.StartsWith("```", StringComparison.Ordinal));
        var inSample = Between(sample, "// begin-snippet: generichost-quickstart", "// end-snippet");

        Assert.Equal(inSample, inReadme);
    }

    private static List<string> Between(string[] lines, string start, string end)
    {
        var from = Array.FindIndex(lines, line => line.Trim() == start);
        var to = Array.FindIndex(lines, from + 1, line => line.Trim() == end);
        Assert.True(from >= 0 && to > from, $"markers {start} / {end} not found");
        return [.. lines[(from + 1)..to].Select(line => line.TrimEnd())];
    }
}
