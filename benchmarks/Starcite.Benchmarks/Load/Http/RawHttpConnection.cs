using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// One kept-alive HTTP/1.1 connection with the least client work per request: a prebuilt request head, one send, and a
/// response parser that only finds the status and where the body ends (Content-Length or chunked framing). The load tool shares the server's two cores, so a
/// lighter client leaves more of them to the server (the way wrk is used); HttpClient costs about 60 µs per request.
/// </summary>
/// <remarks>One request at a time. The server's JSON answers are chunked (Kestrel's framing when a body is written
/// without a length), and a forwarding follower's may arrive in several segments, so both framings are followed to the
/// end. Driven by <see cref="RawHttpLoop"/>.</remarks>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "content-length:"u8.ToArray();
    private static readonly byte[] TransferEncoding = "transfer-encoding:"u8.ToArray();

    private readonly Socket _socket;
    private readonly string _hostHeader;
    private readonly string? _authorization;
    private byte[] _buffer = new byte[16 * 1024];
    private byte[] _request = new byte[4 * 1024];
    private int _filled;

    private RawHttpConnection(Socket socket, string hostHeader, string? token)
    {
        _socket = socket;
        _hostHeader = hostHeader;
        _authorization = token is null ? null : $"Authorization: Bearer {token}\r\n";
    }

    public static async Task<RawHttpConnection> ConnectAsync(Uri baseAddress, string? token = null) =>
        new(await Epoll.ConnectAsync(baseAddress), $"{baseAddress.Host}:{baseAddress.Port}", token);

    /// <summary>The request head for POSTing JSON to <paramref name="path"/>; the body length is appended per request.</summary>
    public byte[] PostHead(string path) =>
        Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {_hostHeader}\r\n{_authorization}Content-Type: application/json\r\nContent-Length: ");

    public Socket Socket => _socket;

    public byte[] GetRequest(string path) => Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {_hostHeader}\r\n{_authorization}\r\n");

    /// <summary>A POST of <paramref name="body"/> after <paramref name="head"/>, built in this connection's request buffer (valid until the next call).</summary>
    public ReadOnlyMemory<byte> Post(byte[] head, byte[] body)
    {
        var length = head.Length + 24 + body.Length;
        if (length > _request.Length)
        {
            _request = new byte[length];
        }

        head.CopyTo(_request, 0);
        var at = head.Length;
        Utf8Formatter.TryFormat(body.Length, _request.AsSpan(at), out var digits);
        at += digits;
        "\r\n\r\n"u8.CopyTo(_request.AsSpan(at));
        at += 4;
        body.CopyTo(_request, at);
        return _request.AsMemory(0, at + body.Length);
    }

    /// <summary>Sends the whole request (blocking: a request fits in the socket's send buffer, as only one is in flight).</summary>
    public void Send(ReadOnlySpan<byte> request)
    {
        while (request.Length > 0)
        {
            request = request[_socket.Send(request, SocketFlags.None)..];
        }
    }

    /// <summary>
    /// Reads once from the socket (after a poll said it is readable, this returns what arrived; otherwise it waits for
    /// the next bytes) and returns true, with the status, once the whole response is in (its body is dropped).
    /// </summary>
    public bool TryReceiveResponse(out int status)
    {
        status = 0;
        if (_filled == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var received = _socket.Receive(_buffer.AsSpan(_filled), SocketFlags.None);
        _filled += received > 0 ? received : throw new IOException("The server closed the connection.");
        var headEnd = _buffer.AsSpan(0, _filled).IndexOf(HeaderEnd);
        if (headEnd < 0)
        {
            return false;
        }

        var head = _buffer.AsSpan(0, headEnd);
        var bodyStart = headEnd + HeaderEnd.Length;
        int total;
        if (IsChunked(head))
        {
            total = ChunkedEnd(_buffer.AsSpan(bodyStart, _filled - bodyStart)) is var end and >= 0 ? bodyStart + end : -1;
        }
        else
        {
            total = bodyStart + BodyLength(head);
            if (total > _buffer.Length)
            {
                Array.Resize(ref _buffer, total);
            }
        }

        if (total < 0 || _filled < total)
        {
            return false;
        }

        status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0'); // "HTTP/1.1 201 ..."
        _filled = 0; // one request in flight: nothing follows the response
        return true;
    }

    private static int BodyLength(ReadOnlySpan<byte> head) =>
        Header(head, ContentLength) is { IsEmpty: false } value && Utf8Parser.TryParse(value, out int length, out _) ? length : 0;

    private static bool IsChunked(ReadOnlySpan<byte> head) => Ascii.EqualsIgnoreCase(Header(head, TransferEncoding), "chunked"u8);

    /// <summary>The value of the header <paramref name="name"/> (lower case, with its colon), trimmed; empty when absent.</summary>
    private static ReadOnlySpan<byte> Header(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            if (line.Length > name.Length && Ascii.EqualsIgnoreCase(line[..name.Length], name))
            {
                return line[name.Length..].Trim((byte)' ');
            }
        }

        return [];
    }

    /// <summary>
    /// The length of a chunked body (through its last chunk and the blank line after it) when all of it is in
    /// <paramref name="body"/>, or -1 while more is to come. Chunk extensions and trailers are not expected from the
    /// server and not parsed.
    /// </summary>
    private static int ChunkedEnd(ReadOnlySpan<byte> body)
    {
        var at = 0;
        while (true)
        {
            var lineEnd = body[at..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return -1;
            }

            if (!Utf8Parser.TryParse(body.Slice(at, lineEnd), out int size, out var used, 'X') || used != lineEnd)
            {
                throw new InvalidDataException("Malformed chunk size in the server's response.");
            }

            at += lineEnd + 2 + size + 2; // the size line, the chunk, and the CRLF after it (the blank line for the last)
            if (at > body.Length)
            {
                return -1;
            }

            if (size == 0)
            {
                return at;
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
