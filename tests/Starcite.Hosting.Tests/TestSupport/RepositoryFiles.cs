namespace Starcite.Hosting.Tests.TestSupport;

/// <summary>Finds files of the repository from the test binaries' location.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Starcite.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Starcite.sln not found above " + AppContext.BaseDirectory);
    }
}
