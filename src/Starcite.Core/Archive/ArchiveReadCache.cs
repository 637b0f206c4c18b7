using Starcite.Sessions;

namespace Starcite.Archive;

/// <summary>
/// Recently read archived events, so tails and pages that reach the same archived range do not each go to the archive.
/// Bounded by a number of events; the least recently used go first. Thread-safe.
/// </summary>
internal sealed class ArchiveReadCache(int capacity)
{
    private readonly Dictionary<(long Session, long Seq), LinkedListNode<(long Session, SessionEvent Event)>> _entries = [];
    private readonly LinkedList<(long Session, SessionEvent Event)> _order = new();
    private readonly Lock _lock = new();

    public SessionEvent? Get(long session, long seq)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue((session, seq), out var node))
            {
                return null;
            }

            _order.Remove(node);
            _order.AddFirst(node);
            return node.Value.Event;
        }
    }

    public void Put(long session, IReadOnlyList<SessionEvent> events)
    {
        if (capacity == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var e in events)
            {
                if (_entries.ContainsKey((session, e.Seq)))
                {
                    continue;
                }

                _entries[(session, e.Seq)] = _order.AddFirst((session, e));
                while (_entries.Count > capacity)
                {
                    var oldest = _order.Last!;
                    _order.RemoveLast();
                    _entries.Remove((oldest.Value.Session, oldest.Value.Event.Seq));
                }
            }
        }
    }
}
