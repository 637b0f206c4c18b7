using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Starcite.Benchmarks.Peers.Support;

/// <summary>A live notification: the event itself when it fitted in the notification, else only its seq.</summary>
internal readonly record struct LiveNote(long Seq, PeerEvent? Event);

/// <summary>
/// Turns "range reads plus live notifications" into a gap-free subscription, the way a careful Redis or PostgreSQL
/// client has to: listen first, then read history from the cursor, then deliver notifications in seq order, skipping
/// what history already delivered and reading any gap (a notification without its event, or one that overtook
/// another) from storage. The notifications are only hints; storage is the truth.
/// </summary>
internal sealed class GapFreeStream
{
    private const int PageSize = 1000;
    private readonly Channel<LiveNote> _live = Channel.CreateUnbounded<LiveNote>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<long, int, CancellationToken, ValueTask<IReadOnlyList<PeerEvent>>> _read;
    private readonly long _cursor;

    public GapFreeStream(long cursor, Func<long, int, CancellationToken, ValueTask<IReadOnlyList<PeerEvent>>> read)
    {
        _cursor = cursor;
        _read = read;
    }

    /// <summary>Called from the client's notification callback; never blocks.</summary>
    public void OnNote(LiveNote note) => _live.Writer.TryWrite(note);

    public void Complete() => _live.Writer.TryComplete();

    public async IAsyncEnumerable<PeerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = _cursor;
        while (true)
        {
            var page = await _read(cursor, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                yield return e;
                cursor = e.Seq;
            }

            // A short page is the end of history; everything after it was appended after we listened, so it is
            // announced live.
            if (page.Count < PageSize)
            {
                break;
            }
        }

        await foreach (var note in _live.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (note.Seq <= cursor)
            {
                continue;
            }

            if (note.Seq == cursor + 1 && note.Event is { } live)
            {
                yield return live;
                cursor = live.Seq;
                continue;
            }

            while (cursor < note.Seq)
            {
                var page = await _read(cursor, (int)Math.Min(PageSize, note.Seq - cursor), cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    throw new InvalidOperationException($"seq {note.Seq} was announced but storage ends at {cursor}");
                }

                foreach (var e in page)
                {
                    yield return e;
                    cursor = e.Seq;
                }
            }
        }
    }
}
