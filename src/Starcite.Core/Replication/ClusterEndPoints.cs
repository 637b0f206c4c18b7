using System.Globalization;
using System.Net;

namespace Starcite.Replication;

/// <summary>Parses the <c>host:port</c> endpoints of <see cref="ClusterOptions"/>.</summary>
internal static class ClusterEndPoints
{
    /// <summary>Parses <c>ip:port</c>, <c>[ipv6]:port</c> or <c>localhost:port</c> (as 127.0.0.1); other host names are resolved.</summary>
    public static bool TryParse(string text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        var value = text.Trim();
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = value[..colon].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            endPoint = new IPEndPoint(address, port);
            return true;
        }

        try
        {
            var resolved = Dns.GetHostAddresses(host);
            if (resolved.Length == 0)
            {
                return false;
            }

            endPoint = new IPEndPoint(resolved[0], port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static IPEndPoint Parse(string text) =>
        TryParse(text, out var endPoint) ? endPoint : throw new FormatException($"'{text}' is not a host:port endpoint.");
}
