using System.Buffers;
using System.Text.Json;
using Starcite.Server.Contracts;
using Starcite.Sessions;

namespace Starcite.Server.Tailing;

/// <summary>
/// Encodes tail output into one reusable buffer per connection: a WebSocket frame (one event object, or an array of
/// events when the client asked for batches) or SSE messages. Nothing is allocated per event once the buffer has grown.
/// </summary>
internal sealed class TailFrames : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    public TailFrames() => _writer = new Utf8JsonWriter(_buffer, WriterOptions);

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public bool IsEmpty => _buffer.WrittenCount == 0;

    public void Clear() => _buffer.Clear();

    /// <summary>One event as a JSON object.</summary>
    public void WriteEvent(SessionEvent e)
    {
        _writer.Reset(_buffer); // a new top-level value, not the next one of a sequence (no leading comma)
        WireFormat.WriteEvent(_writer, e);
        _writer.Flush();
    }

    /// <summary>Several events as one JSON array.</summary>
    public void WriteArray(ReadOnlySpan<SessionEvent> events)
    {
        _writer.Reset(_buffer);
        _writer.WriteStartArray();
        foreach (var e in events)
        {
            WireFormat.WriteEvent(_writer, e);
        }

        _writer.WriteEndArray();
        _writer.Flush();
    }

    /// <summary>One SSE message: <c>id: seq</c>, <c>event: event</c>, <c>data: event JSON</c>. Stored JSON is compact, so
    /// the data never spans lines.</summary>
    public void WriteSseEvent(SessionEvent e)
    {
        Write("id: "u8);
        if (!e.Seq.TryFormat(_buffer.GetSpan(20), out var digits, provider: System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A seq always fits in 20 digits.");
        }

        _buffer.Advance(digits);
        Write("\nevent: event\ndata: "u8);
        WriteEvent(e);
        Write("\n\n"u8);
    }

    /// <summary>An SSE comment line, ignored by clients; it keeps idle connections open through proxies.</summary>
    public void WriteSseKeepAlive() => Write(": keep-alive\n\n"u8);

    /// <summary>The last message of a stream whose token expired; an EventSource can listen for it by name.</summary>
    public void WriteSseTokenExpired() =>
        Write("event: token_expired\ndata: {\"error\":\"token_expired\",\"message\":\"The token expired; reconnect with a new one\"}\n\n"u8);

    public void Dispose() => _writer.Dispose();

    private void Write(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);
}
