using System.Net;
using System.Net.Sockets;

namespace Starcite.Cluster.Tests.TestSupport;

/// <summary>Loopback ports the OS has just handed out (engine-notes §6.3: bind port 0, read it, release it).</summary>
public static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start()); // all held at once, so the ports are distinct
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }
}
