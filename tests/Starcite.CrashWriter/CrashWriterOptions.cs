namespace Starcite.CrashWriter;

/// <summary>The engine options of the crash writer; tests open the same directory with the same values.</summary>
internal static class CrashWriterOptions
{
    /// <summary>Options for <paramref name="directory"/>.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="smallSegments">64 KiB pages and 1 MiB segment files, so a short run spans several of each.</param>
    public static StarciteOptions Create(string directory, bool smallSegments = false)
    {
        var options = new StarciteOptions { DataDirectory = directory };
        options.Storage.MemorySize = 1L << 23;
        options.Storage.IndexMemorySize = 1L << 22;
        options.Storage.IndexBuckets = 1L << 14;
        if (smallSegments)
        {
            options.Storage.PageSize = 1L << 16;
            options.Storage.SegmentSize = 1L << 20;
            options.MaxEventBytes = 16 << 10; // an event must fit in half a page
        }

        return options;
    }
}
