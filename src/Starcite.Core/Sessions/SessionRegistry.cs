using System.Collections.Concurrent;

namespace Starcite.Sessions;

/// <summary>Every session of the store, by id, by number, and in id order for listing.</summary>
internal sealed class SessionRegistry
{
    // Ids use only ASCII [A-Za-z0-9._:-], so this string sorts after every id under ordinal comparison.
    private const string AfterEveryId = "\u007f";

    private readonly ConcurrentDictionary<string, SessionRuntime> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<long, SessionRuntime> _byNumber = [];
    private readonly SortedSet<string> _ordered = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _lastNumber;

    /// <summary>Serialises creations, so numbers are assigned and logged in one order.</summary>
    public Lock CreationLock { get; } = new();

    public int Count => _byId.Count;

    public long NextNumber() => _lastNumber + 1;

    public bool TryGet(string id, out SessionRuntime runtime) => _byId.TryGetValue(id, out runtime!);

    public SessionRuntime? ByNumber(long number)
    {
        lock (_lock)
        {
            return _byNumber.GetValueOrDefault(number);
        }
    }

    public void Add(SessionRuntime runtime)
    {
        var header = runtime.Header;
        lock (_lock)
        {
            if (!_byId.TryAdd(header.Id, runtime) || !_byNumber.TryAdd(header.Number, runtime))
            {
                throw new InvalidOperationException($"Session {header.Id} (number {header.Number}) is already registered.");
            }

            _ordered.Add(header.Id);
            _lastNumber = Math.Max(_lastNumber, header.Number);
        }
    }

    /// <summary>Sessions with ids after <paramref name="afterId"/> (exclusive), in ordinal order, while <paramref name="take"/> says so.</summary>
    public void Scan(string? afterId, Func<SessionRuntime, bool> take)
    {
        List<string> batch;
        var from = afterId;
        do
        {
            if (from is not null && string.CompareOrdinal(from, AfterEveryId) >= 0)
            {
                return; // a cursor past every possible id (it need not be a valid id itself)
            }

            lock (_lock)
            {
                var view = from is null ? _ordered : _ordered.GetViewBetween(from, AfterEveryId);
                batch = [.. view.Where(id => !string.Equals(id, from, StringComparison.Ordinal)).Take(256)];
            }

            foreach (var id in batch)
            {
                if (!take(_byId[id]))
                {
                    return;
                }

                from = id;
            }
        }
        while (batch.Count > 0);
    }

    public IReadOnlyList<SessionRuntime> All()
    {
        lock (_lock)
        {
            return [.. _byNumber.Values];
        }
    }
}
