using Starcite.Sessions;

namespace Starcite.Tailing;

/// <summary>
/// The last few committed events of a session that has live readers, so fan-out to many readers does not touch
/// storage. Lock-free: each slot holds an immutable event that names its own seq, so a reader detects an overwritten
/// slot and falls back to storage.
/// </summary>
internal sealed class RecentEvents(int capacity)
{
    private readonly SessionEvent?[] _slots = new SessionEvent?[capacity];

    /// <summary>Stores a committed event; call before the session's committed seq moves past it.</summary>
    public void Put(SessionEvent committed) => Volatile.Write(ref _slots[committed.Seq % _slots.Length], committed);

    /// <summary>The event with this seq, or null when it is not (or no longer) held.</summary>
    public SessionEvent? Get(long seq)
    {
        var held = Volatile.Read(ref _slots[seq % _slots.Length]);
        return held is not null && held.Seq == seq ? held : null;
    }
}
