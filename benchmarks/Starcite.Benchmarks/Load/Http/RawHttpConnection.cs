using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// One kept-alive HTTP/1.1 connection with the least client work per request: a prebuilt request head, one send, and a
/// response parser that only finds the status and Content-Length. The load tool shares the server's two cores, so a
/// lighter client leaves more of them to the server (the way wrk is used); HttpClient costs about 60 µs per request.
/// </summary>
/// <remarks>One request at a time; no chunked responses (the server sends Content-Length on every API answer).</remarks>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "content-length:"u8.ToArray();

    private readonly Socket _socket;
    private readonly string _hostHeader;
    private readonly string? _authorization;
    private byte[] _buffer = new byte[16 * 1024];

    private RawHttpConnection(Socket socket, string hostHeader, string? token)
    {
        _socket = socket;
        _hostHeader = hostHeader;
        _authorization = token is null ? null : $"Authorization: Bearer {token}\r\n";
    }

    public static async Task<RawHttpConnection> ConnectAsync(Uri baseAddress, string? token = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var addresses = await Dns.GetHostAddressesAsync(baseAddress.Host);
        await socket.ConnectAsync(addresses.First(a => a.AddressFamily == AddressFamily.InterNetwork), baseAddress.Port);
        return new RawHttpConnection(socket, $"{baseAddress.Host}:{baseAddress.Port}", token);
    }

    /// <summary>The request head for POSTing JSON to <paramref name="path"/>; the body length is appended per request.</summary>
    public byte[] PostHead(string path) =>
        Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {_hostHeader}\r\n{_authorization}Content-Type: application/json\r\nContent-Length: ");

    public byte[] GetRequest(string path) => Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {_hostHeader}\r\n{_authorization}\r\n");

    /// <summary>Sends a POST of <paramref name="body"/> and returns the response status (the body is read and dropped).</summary>
    public async ValueTask<int> PostAsync(byte[] head, byte[] body)
    {
        var length = head.Length + 24 + body.Length;
        var request = length <= _buffer.Length ? _buffer : new byte[length];
        head.CopyTo(request, 0);
        var at = head.Length;
        Utf8Formatter.TryFormat(body.Length, request.AsSpan(at), out var digits);
        at += digits;
        "\r\n\r\n"u8.CopyTo(request.AsSpan(at));
        at += 4;
        body.CopyTo(request, at);
        await SendAsync(request.AsMemory(0, at + body.Length));
        return await ReadResponseAsync();
    }

    public async ValueTask<int> SendAsync(byte[] request)
    {
        await SendAsync(request.AsMemory());
        return await ReadResponseAsync();
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> request)
    {
        while (request.Length > 0)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None);
            request = request[sent..];
        }
    }

    private async ValueTask<int> ReadResponseAsync()
    {
        var filled = 0;
        int headEnd;
        while ((headEnd = _buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
        {
            filled += await ReceiveAsync(filled);
        }

        var head = _buffer.AsSpan(0, headEnd);
        var status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0'); // "HTTP/1.1 201 ..."
        var bodyLength = BodyLength(head);
        var total = headEnd + HeaderEnd.Length + bodyLength;
        if (total > _buffer.Length)
        {
            Array.Resize(ref _buffer, total);
        }

        while (filled < total)
        {
            filled += await ReceiveAsync(filled);
        }

        return status;
    }

    private async ValueTask<int> ReceiveAsync(int filled)
    {
        if (filled == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var received = await _socket.ReceiveAsync(_buffer.AsMemory(filled), SocketFlags.None);
        return received > 0 ? received : throw new IOException("The server closed the connection.");
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
