namespace Starcite.Archive;

/// <summary>
/// Argument rules every archive store applies before touching its backend, so a caller bug fails fast with an
/// <see cref="ArgumentException"/> instead of storing events under the wrong key. Compiled into each adapter (linked
/// source) because adapters reference only Starcite.Core's public surface.
/// </summary>
internal static class ArchiveArguments
{
    /// <summary>The contract's longest session id (§2).</summary>
    public const int MaxSessionIdLength = 128;

    /// <summary>Contract §2: 1-128 characters from <c>A-Z a-z 0-9 . _ : -</c>, starting with a letter or digit.</summary>
    public static bool IsValidSessionId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxSessionIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <exception cref="ArgumentNullException">The batch, an entry, its session or its events are null.</exception>
    /// <exception cref="ArgumentException">A session appears twice, has an invalid id, or its events are not a run of
    /// consecutive ascending seqs (starting at 1 or later) of that session.</exception>
    public static void ValidateBatch(IReadOnlyList<ArchiveWrite> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var seen = new HashSet<string>(batch.Count, StringComparer.Ordinal);
        foreach (var write in batch)
        {
            ArgumentNullException.ThrowIfNull(write, nameof(batch));
            ArgumentNullException.ThrowIfNull(write.Session, nameof(batch));
            ArgumentNullException.ThrowIfNull(write.Events, nameof(batch));
            var id = write.Session.Id;
            if (!IsValidSessionId(id))
            {
                throw new ArgumentException($"Session id '{id}' is not a valid session id (contract §2).", nameof(batch));
            }

            if (!seen.Add(id))
            {
                throw new ArgumentException($"Session '{id}' appears more than once in the batch.", nameof(batch));
            }

            for (var i = 0; i < write.Events.Count; i++)
            {
                var e = write.Events[i] ?? throw new ArgumentNullException(nameof(batch), $"Session '{id}' has a null event.");
                if (!string.Equals(e.SessionId, id, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Event {e.Seq} belongs to session '{e.SessionId}', not to '{id}'.", nameof(batch));
                }

                var expected = i == 0 ? Math.Max(1, e.Seq) : write.Events[i - 1].Seq + 1;
                if (e.Seq != expected)
                {
                    throw new ArgumentException(
                        $"Events of session '{id}' must have consecutive ascending seqs of at least 1; got {e.Seq} where {expected} was expected.",
                        nameof(batch));
                }
            }
        }
    }

    /// <exception cref="ArgumentNullException"><paramref name="sessionId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sessionId"/> is not a valid session id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterSeq"/> is negative or <paramref name="limit"/> is below 1.</exception>
    public static void ValidateRead(string sessionId, long afterSeq, int limit)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        if (!IsValidSessionId(sessionId))
        {
            throw new ArgumentException($"Session id '{sessionId}' is not a valid session id (contract §2).", nameof(sessionId));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
    }

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is below 1.</exception>
    public static void ValidateList(int limit) => ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

    /// <summary>The last seq a read of <paramref name="limit"/> events after <paramref name="afterSeq"/> can reach, without overflow.</summary>
    public static long LastWanted(long afterSeq, int limit) => afterSeq > long.MaxValue - limit ? long.MaxValue : afterSeq + limit;

    /// <summary>Timestamps are archived with the contract's precision: whole microseconds, UTC.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
