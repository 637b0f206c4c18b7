using System.Collections.Concurrent;

namespace Starcite.Server.Auth;

/// <summary>
/// Validated tokens, keyed by the token text, so a client that sends the same token with every request pays for one
/// signature check, not one per request. An entry is used only while its token is still accepted
/// (<see cref="AuthContext.AcceptedUntil"/> is checked on every hit), so an expired token is never accepted from here.
/// The cache is bounded: when full it starts over, and it is emptied whenever the signing keys change.
/// </summary>
internal sealed class TokenCache
{
    private readonly ConcurrentDictionary<string, AuthContext> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthContext>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int _capacity;
    private int _count; // ConcurrentDictionary.Count takes every lock; an approximate count is enough for a bound

    public TokenCache(int capacity)
    {
        _capacity = capacity;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The context of a token validated before and still accepted at <paramref name="now"/>.</summary>
    public bool TryGet(ReadOnlySpan<char> token, DateTimeOffset now, out AuthContext context)
    {
        if (!_bySpan.TryGetValue(token, out context!))
        {
            return false;
        }

        if (now <= context.AcceptedUntil)
        {
            return true;
        }

        if (_bySpan.TryRemove(token, out _))
        {
            Interlocked.Decrement(ref _count);
        }

        context = null!;
        return false;
    }

    public void Add(string token, AuthContext context)
    {
        if (_capacity == 0)
        {
            return;
        }

        if (Volatile.Read(ref _count) >= _capacity)
        {
            Clear();
        }

        if (_entries.TryAdd(token, context))
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void Clear()
    {
        _entries.Clear();
        Volatile.Write(ref _count, 0);
    }
}
