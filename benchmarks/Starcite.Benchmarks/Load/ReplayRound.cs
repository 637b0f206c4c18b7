namespace Starcite.Benchmarks.Load;

/// <summary>One replay of the whole session: through history pages and through a tail, in events per second, with
/// how many events each one had the archive return (0 for a local replay, at least the session's length through it).</summary>
internal readonly record struct ReplayRound(double PagesPerSecond, double TailPerSecond, long PagesFromArchive, long TailFromArchive)
{
    public override string ToString() =>
        $"history pages {PagesPerSecond,10:N0} events/s   tail {TailPerSecond,10:N0} events/s   (from the archive: {PagesFromArchive:N0} / {TailFromArchive:N0} events)";
}
