namespace Starcite.Benchmarks.Peers.Support;

/// <summary>Scripts and schemas kept as files next to their adapter and embedded in the assembly.</summary>
internal static class EmbeddedText
{
    public static string Read(string relativeName)
    {
        var assembly = typeof(EmbeddedText).Assembly;
        using var stream = assembly.GetManifestResourceStream($"{assembly.GetName().Name}.{relativeName}")
            ?? throw new InvalidOperationException($"missing embedded resource {relativeName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
