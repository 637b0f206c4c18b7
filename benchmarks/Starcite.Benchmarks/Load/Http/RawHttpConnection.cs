using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// One kept-alive HTTP/1.1 connection with the least client work per request: a prebuilt request head, one send, and a
/// response parser that only finds the status and Content-Length. The load tool shares the server's two cores, so a
/// lighter client leaves more of them to the server (the way wrk is used); HttpClient costs about 60 µs per request.
/// </summary>
/// <remarks>One request at a time; no chunked responses (the server sends Content-Length on every API answer). Driven by
/// <see cref="RawHttpLoop"/>.</remarks>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "content-length:"u8.ToArray();

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
        var total = headEnd + HeaderEnd.Length + BodyLength(head);
        if (total > _buffer.Length)
        {
            Array.Resize(ref _buffer, total);
        }

        if (_filled < total)
        {
            return false;
        }

        status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0'); // "HTTP/1.1 201 ..."
        _filled = 0; // one request in flight: nothing follows the response
        return true;
    }

    private static int BodyLength(ReadOnlySpan<byte> head)
    {
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            if (line.Length > ContentLength.Length && Ascii.EqualsIgnoreCase(line[..ContentLength.Length], ContentLength))
            {
                return Utf8Parser.TryParse(line[ContentLength.Length..].Trim((byte)' '), out int length, out _) ? length : 0;
            }
        }

        return 0;
    }

    public void Dispose() => _socket.Dispose();
}
