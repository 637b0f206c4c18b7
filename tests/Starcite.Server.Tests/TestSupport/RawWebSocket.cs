using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>
/// A WebSocket handshake and frame reader written on a bare TCP socket, for what a client library hides: the HTTP
/// error body of a refused upgrade, and the control frames (pings) the server sends.
/// </summary>
public sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public int Status { get; private set; }

    public string Body { get; private set; } = "";

    /// <summary>Sends an upgrade request for <paramref name="pathAndQuery"/> and reads the response head (and body, if refused).</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri server, string pathAndQuery, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var socket = new RawWebSocket(tcp);
        await socket._stream.WriteAsync(Encoding.ASCII.GetBytes(WebSocketFrames.UpgradeRequest(server, pathAndQuery)), cancellationToken);
        await socket.ReadResponseAsync(cancellationToken);
        return socket;
    }

    /// <summary>Reads frames until one with <paramref name="opcode"/> arrives (0x9 = ping); returns its payload.</summary>
    public async Task<byte[]> ReadUntilFrameAsync(int opcode, CancellationToken cancellationToken)
    {
        while (true)
        {
            var head = await ReadExactlyAsync(2, cancellationToken);
            var header = WebSocketFrames.HeaderLength(head[1]) is var size and > 2 ? [.. head, .. await ReadExactlyAsync(size - 2, cancellationToken)] : head;
            var length = WebSocketFrames.PayloadLength(header);
            var payload = await ReadExactlyAsync((int)length, cancellationToken);
            if (WebSocketFrames.Opcode(head[0]) == opcode)
            {
                return payload;
            }
        }
    }

    public void Dispose() => _tcp.Dispose();

    private async Task ReadResponseAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            lines.Add(line);
        }

        Status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (Status == 101)
        {
            return;
        }

        if (headers.TryGetValue("Content-Length", out var length))
        {
            Body = Encoding.UTF8.GetString(await ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), cancellationToken));
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            Body = await ReadChunkedAsync(cancellationToken);
        }
    }

    private async Task<string> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        var body = new List<byte>();
        while (true)
        {
            var size = int.Parse(await ReadLineAsync(cancellationToken), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return Encoding.UTF8.GetString([.. body]);
            }

            body.AddRange(await ReadExactlyAsync(size, cancellationToken));
            await ReadLineAsync(cancellationToken);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            line.Append((char)(await ReadExactlyAsync(1, cancellationToken))[0]);
        }

        return line.ToString()[..^2];
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}
