namespace Starcite.Archive.S3.Internal;

/// <summary>A thread-safe least-recently-used cache bounded by the total footprint of its values.</summary>
internal sealed class LruCache<TKey, TValue>(long capacity, Func<TValue, long> footprint)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();
    private readonly Lock _gate = new();
    private long _size;

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public bool Contains(TKey key)
    {
        lock (_gate)
        {
            return _entries.ContainsKey(key);
        }
    }

    public void Set(TKey key, TValue value)
    {
        var size = footprint(value);
        lock (_gate)
        {
            RemoveLocked(key);
            if (size > capacity)
            {
                return; // larger than the whole budget: not cached at all
            }

            _entries[key] = _order.AddFirst((key, value));
            _size += size;
            while (_size > capacity && _order.Last is { } oldest)
            {
                RemoveLocked(oldest.Value.Key);
            }
        }
    }

    public void Remove(TKey key)
    {
        lock (_gate)
        {
            RemoveLocked(key);
        }
    }

    private void RemoveLocked(TKey key)
    {
        if (_entries.Remove(key, out var node))
        {
            _order.Remove(node);
            _size -= footprint(node.Value.Value);
        }
    }
}
