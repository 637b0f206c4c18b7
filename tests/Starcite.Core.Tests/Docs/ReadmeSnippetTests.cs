using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Docs;

/// <summary>The README's code comes from samples that CI builds; these tests keep the copies identical.</summary>
[Trait("Category", "Unit")]
public sealed class ReadmeSnippetTests
{
    [Fact]
    public void EmbeddedQuickstart_InReadme_MatchesTheSample()
    {
        var readme = File.ReadAllLines(RepositoryFiles.PathOf("README.md"));
        var sample = File.ReadAllLines(RepositoryFiles.PathOf("samples/Starcite.Samples.Embedded/Program.cs"));

        var inReadme = Between(readme, "<!-- snippet: embedded-quickstart -->", "<!-- endSnippet -->")
            .Where(line => !line.StartsWith("```", StringComparison.Ordinal));
        var inSample = Between(sample, "// begin-snippet: embedded-quickstart", "// end-snippet");

        Assert.Equal(inSample, inReadme);
    }

    [Fact]
    public void Readme_StartsWithTheRunAndTestCommands()
    {
        var readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
        var firstBlock = readme[readme.IndexOf("```bash", StringComparison.Ordinal)..];
        firstBlock = firstBlock[..firstBlock.IndexOf("```", 7, StringComparison.Ordinal)];

        Assert.Contains("dotnet run --project", firstBlock, StringComparison.Ordinal);
        Assert.Contains("./test.sh", firstBlock, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryFiles.PathOf("test.sh")));
    }

    private static List<string> Between(string[] lines, string start, string end)
    {
        var from = Array.FindIndex(lines, line => line.Trim() == start);
        var to = Array.FindIndex(lines, from + 1, line => line.Trim() == end);
        Assert.True(from >= 0 && to > from, $"markers {start} / {end} not found");
        return [.. lines[(from + 1)..to].Select(line => line.TrimEnd())];
    }
}
