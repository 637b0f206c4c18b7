using System.Buffers;
using System.Text.Json;
using Starcite.Sessions;

namespace Starcite.Archive.S3.Layout;

/// <summary>
/// One chunk object: the events of a fixed seq range <c>[FirstSeq, FirstSeq + size)</c>, one line each, in seq order.
/// Immutable; <see cref="Merge"/> returns a new chunk. A complete chunk (every seq of its range) never changes again.
/// </summary>
internal sealed class Chunk
{
    private readonly long[] _seqs;
    private readonly int[] _starts;
    private readonly int[] _lengths;

    private Chunk(long index, int size, byte[] data, long[] seqs, int[] starts, int[] lengths)
    {
        Index = index;
        Size = size;
        Data = data;
        _seqs = seqs;
        _starts = starts;
        _lengths = lengths;
        var contiguous = 0;
        while (contiguous < seqs.Length && seqs[contiguous] == FirstSeq + contiguous)
        {
            contiguous++;
        }

        ContiguousEnd = FirstSeq + contiguous - 1;
    }

    /// <summary>The chunk's number: it holds seqs <c>Index * Size + 1</c> to <c>(Index + 1) * Size</c>.</summary>
    public long Index { get; }

    /// <summary>Events per chunk.</summary>
    public int Size { get; }

    /// <summary>The object's bytes: lines of JSON, each ending in <c>\n</c>.</summary>
    public byte[] Data { get; }

    public long FirstSeq => (Index * Size) + 1;

    public long LastSeqOfRange => FirstSeq + Size - 1;

    public int Count => _seqs.Length;

    /// <summary>The highest seq up to which the chunk holds every seq from <see cref="FirstSeq"/> (FirstSeq - 1 if none).</summary>
    public long ContiguousEnd { get; }

    public bool IsComplete => ContiguousEnd == LastSeqOfRange;

    /// <summary>Bytes this chunk keeps alive, for cache budgets.</summary>
    public long Footprint => Data.Length + (_seqs.Length * 16L) + 64;

    public static long IndexOf(long seq, int size) => (seq - 1) / size;

    public static Chunk Empty(long index, int size) => new(index, size, [], [], [], []);

    /// <summary>Indexes a chunk object's lines by seq.</summary>
    /// <exception cref="InvalidDataException">The object is not a chunk of this range: unreadable JSON, a line without a
    /// seq, a seq outside the range, or seqs out of order.</exception>
    public static Chunk Parse(byte[] data, long index, int size, string key)
    {
        var seqs = new List<long>();
        var starts = new List<int>();
        var lengths = new List<int>();
        var first = (index * size) + 1;
        var reader = new Utf8JsonReader(data, JsonFormats.Reader);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InvalidDataException($"Chunk {key} is corrupt: a line is not a JSON object.");
                }

                var start = (int)reader.TokenStartIndex;
                long? seq = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isSeq = reader.ValueTextEquals("seq"u8);
                    reader.Read();
                    if (isSeq)
                    {
                        seq = reader.GetInt64();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                if (seq is not { } s || s < first || s >= first + size || (seqs.Count > 0 && s <= seqs[^1]))
                {
                    throw new InvalidDataException($"Chunk {key} is corrupt: a line has no seq, or one outside {first}..{first + size - 1} or out of order.");
                }

                seqs.Add(s);
                starts.Add(start);
                lengths.Add((int)reader.BytesConsumed - start);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Chunk {key} is corrupt: it is not a sequence of JSON objects.", e);
        }

        return new Chunk(index, size, data, [.. seqs], [.. starts], [.. lengths]);
    }

    /// <summary>
    /// Adds the events of this chunk's range that it does not hold yet, encoded as lines; the lines it holds are kept
    /// byte for byte (events are immutable, so a rewrite carries the same bytes). Returns this chunk when nothing was added.
    /// </summary>
    public Chunk Merge(IReadOnlyList<SessionEvent> events, int from, int count, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        var added = new List<(long Seq, int Start, int Length)>();
        using (var writer = new Utf8JsonWriter(scratch, JsonFormats.Writer))
        {
            for (var i = from; i < from + count; i++)
            {
                var e = events[i];
                if (Array.BinarySearch(_seqs, e.Seq) >= 0)
                {
                    continue;
                }

                var start = scratch.WrittenCount;
                EventLines.Write(writer, e);
                writer.Flush();
                added.Add((e.Seq, start, scratch.WrittenCount - start));
                writer.Reset(); // the next line is a new top-level value; the writer keeps appending to scratch
            }
        }

        if (added.Count == 0)
        {
            return this;
        }

        return Combine(added, scratch.WrittenSpan);
    }

    /// <summary>The event lines with seqs from <paramref name="fromSeq"/> on, while consecutive, decoded, up to <paramref name="lastSeq"/>.</summary>
    public long CollectConsecutive(string sessionId, long fromSeq, long lastSeq, List<SessionEvent> into)
    {
        var i = Array.BinarySearch(_seqs, fromSeq);
        var next = fromSeq;
        if (i < 0)
        {
            return next;
        }

        for (; i < _seqs.Length && _seqs[i] == next && next <= lastSeq; i++, next++)
        {
            into.Add(EventLines.Read(sessionId, Data.AsMemory(_starts[i], _lengths[i])));
        }

        return next;
    }

    private Chunk Combine(List<(long Seq, int Start, int Length)> added, ReadOnlySpan<byte> addedBytes)
    {
        var total = Count + added.Count;
        var size = 0L;
        foreach (var length in _lengths)
        {
            size += length + 1;
        }

        foreach (var line in added)
        {
            size += line.Length + 1;
        }

        var data = new byte[size];
        var seqs = new long[total];
        var starts = new int[total];
        var lengths = new int[total];
        int mine = 0, theirs = 0, position = 0;
        for (var n = 0; n < total; n++)
        {
            ReadOnlySpan<byte> line;
            if (theirs == added.Count || (mine < Count && _seqs[mine] < added[theirs].Seq))
            {
                seqs[n] = _seqs[mine];
                line = Data.AsSpan(_starts[mine], _lengths[mine]);
                mine++;
            }
            else
            {
                seqs[n] = added[theirs].Seq;
                line = addedBytes.Slice(added[theirs].Start, added[theirs].Length);
                theirs++;
            }

            starts[n] = position;
            lengths[n] = line.Length;
            line.CopyTo(data.AsSpan(position));
            position += line.Length;
            data[position++] = (byte)'\n';
        }

        return new Chunk(Index, Size, data, seqs, starts, lengths);
    }
}
