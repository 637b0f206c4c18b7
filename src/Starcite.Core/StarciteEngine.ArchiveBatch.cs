using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Codec;

namespace Starcite;

public sealed partial class StarciteEngine
{
    /// <summary>
    /// The archiver's next batch: each lagging session's next committed events, oldest first, at most
    /// <paramref name="budget"/> in all. One sequential scan of the log from the oldest un-archived event collects them:
    /// with many sessions interleaved, reading each session's events through the index costs a random read per event
    /// once they left the in-memory log, and that fell behind 20,000 appends/s over 1,000 sessions (docs/benchmarks.md).
    /// </summary>
    /// <remarks>A session the scan cannot serve (its first event is not found where the index says) is read through
    /// the index instead, so the scan only ever speeds archiving up, never stalls it.</remarks>
    internal async ValueTask<List<(SessionRuntime Session, List<SessionEvent> Events)>> ReadArchiveBatchAsync(
        IReadOnlyList<SessionRuntime> behind, int budget, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<long, PendingArchive>();
        EnterStorage();
        try
        {
            var scanFrom = long.MaxValue;
            foreach (var session in behind)
            {
                var (archived, committed) = (session.ArchivedSeq, session.CommittedSeq);
                var first = await _index.TryGetAsync(IndexKey.ForSeq(session.Header.Number, archived + 1), cancellationToken).ConfigureAwait(false);
                if (committed > archived && first.Exists && first.Address >= _log.BeginAddress)
                {
                    pending[session.Header.Number] = new PendingArchive(session, archived + 1, committed, first.Address);
                    scanFrom = Math.Min(scanFrom, first.Address);
                }
            }

            if (pending.Count > 0)
            {
                ScanForArchive(pending, scanFrom, budget);
            }
        }
        finally
        {
            _lifetime.Exit();
        }

        var batch = new List<(SessionRuntime, List<SessionEvent>)>();
        foreach (var entry in pending.Values.Where(p => p.Events.Count > 0).OrderBy(p => p.FirstAddress))
        {
            batch.Add((entry.Session, entry.Events));
            budget -= entry.Events.Count;
        }

        foreach (var session in behind.Where(s => !pending.TryGetValue(s.Header.Number, out var p) || p.Events.Count == 0))
        {
            var count = (int)Math.Min(budget, session.CommittedSeq - session.ArchivedSeq);
            if (count > 0 && await ReadRangeAsync(session, session.ArchivedSeq, count, forTail: false, cancellationToken).ConfigureAwait(false) is { Count: > 0 } events)
            {
                batch.Add((session, events));
                budget -= events.Count;
            }
        }

        return batch;
    }

    private void ScanForArchive(Dictionary<long, PendingArchive> pending, long scanFrom, int budget)
    {
        var collected = 0;
        var complete = 0;
        foreach (var record in _log.ReadCommitted(scanFrom, _log.CommittedUntilAddress))
        {
            var number = RecordCodec.PeekEventSession(record.Bytes);
            if (number < 0 || !pending.TryGetValue(number, out var entry) || record.Address < entry.FirstAddress || entry.Next > entry.Until)
            {
                continue; // not an event, not a lagging session's, archived already, or past what was committed
            }

            var stored = DecodeEvent(entry.Session, record.Bytes, record.Address);
            if (stored.Seq != entry.Next)
            {
                continue; // a second copy of an event (a snapshot install logs events it may already hold)
            }

            entry.Events.Add(stored);
            entry.Next++;
            if (++collected >= budget || (entry.Next > entry.Until && ++complete == pending.Count))
            {
                return;
            }
        }
    }

    /// <summary>A lagging session during a scan: the next seq wanted, the last one committed, where the first one is.</summary>
    private sealed class PendingArchive(SessionRuntime session, long next, long until, long firstAddress)
    {
        public SessionRuntime Session { get; } = session;

        public long Next { get; set; } = next;

        public long Until { get; } = until;

        public long FirstAddress { get; } = firstAddress;

        public List<SessionEvent> Events { get; } = [];
    }
}
