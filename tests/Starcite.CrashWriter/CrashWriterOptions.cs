namespace Starcite.CrashWriter;

/// <summary>The engine options of the crash writer; tests open the same directory with the same values.</summary>
internal static class CrashWriterOptions
{
    public static StarciteOptions Create(string directory)
    {
        var options = new StarciteOptions { DataDirectory = directory };
        options.Storage.MemorySize = 1L << 23;
        options.Storage.IndexMemorySize = 1L << 22;
        options.Storage.IndexBuckets = 1L << 14;
        return options;
    }
}
