using System.Net.Sockets;
using System.Text;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>One HTTP/1.1 request written by hand on a TCP socket, for what HttpClient will not send (repeated headers).</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="head"/> (request line and headers, CRLF-separated, without the blank line) and
    /// returns the status code and the whole response text. <paramref name="body"/> follows the blank line as it is.</summary>
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string head, CancellationToken cancellationToken, string body = "")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{head}\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n{body}"), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(cancellationToken);
        var status = int.Parse(response.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
