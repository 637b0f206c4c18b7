using System.Net;
using System.Net.Sockets;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>
/// A loopback TCP proxy for outage tests: clients connect to <see cref="Port"/> (chosen by the OS) and every
/// connection is forwarded to the real server. <see cref="Cut"/> resets every connection and refuses new ones,
/// <see cref="Blackhole"/> keeps connections open but forwards nothing (a hung server), <see cref="Restore"/> brings
/// the link back on the same port. <see cref="CutAfterBytesToServer"/> cuts in the middle of a request.
/// </summary>
/// <remarks>Thread-safe; state changes take effect before the method returns, so tests never need to wait for them.</remarks>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly IPEndPoint _upstream;
    private readonly Lock _gate = new();
    private readonly HashSet<Link> _links = [];
    private readonly List<Task> _tasks = [];
    private TcpListener? _listener;
    private TaskCompletionSource _flowing = Open();
    private long _bytesToServer;
    private long _cutAt = long.MaxValue;
    private int _accepted;
    private bool _disposed;

    private TcpFaultProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        Port = Listen(0);
    }

    /// <summary>The loopback port clients connect to; the same after every <see cref="Restore"/>.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{Port}</c>, for HTTP clients such as the S3 SDK.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Connections accepted so far (including ones reset at once).</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    /// <summary>Bytes forwarded from clients to the server so far.</summary>
    public long BytesToServer => Interlocked.Read(ref _bytesToServer);

    /// <summary>Starts a proxy to <paramref name="host"/>:<paramref name="port"/> (a loopback or IP address).</summary>
    public static TcpFaultProxy Start(string host, int port) => new(new IPEndPoint(IPAddress.Parse(host), port));

    /// <summary>Resets every open connection (both sides see a TCP reset) and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _listener?.Stop(); // a closed listening socket: connection attempts get ECONNREFUSED
            _listener = null;
            ResetAllLocked();
        }
    }

    /// <summary>Stops forwarding in both directions; connections stay open and new ones are accepted, then stall.</summary>
    public void Blackhole()
    {
        lock (_gate)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Cuts (as <see cref="Cut"/>) once <paramref name="bytes"/> more bytes have been forwarded to the server.</summary>
    public void CutAfterBytesToServer(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Exchange(ref _cutAt, BytesToServer + bytes);
    }

    /// <summary>Accepts and forwards again, on the same port. Connections that stalled in a blackhole are reset, so
    /// nothing held back is delivered late.</summary>
    /// <exception cref="SocketException">Another process took the port while the proxy refused connections.</exception>
    public void Restore()
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _cutAt, long.MaxValue);
            if (!_flowing.Task.IsCompleted)
            {
                ResetAllLocked();
                _flowing.TrySetResult();
            }

            if (_listener is null && !_disposed)
            {
                Listen(Port);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] tasks;
        lock (_gate)
        {
            _disposed = true;
            _listener?.Stop();
            _listener = null;
            ResetAllLocked();
            _flowing.TrySetResult();
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private int Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        lock (_gate)
        {
            _listener = listener;
            Track(AcceptLoopAsync(listener));
        }

        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _tasks.RemoveAll(t => t.IsCompleted);
            _tasks.Add(task);
        }
    }

    private void ResetAllLocked()
    {
        foreach (var link in _links)
        {
            link.Reset();
        }

        _links.Clear();
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // the listener was stopped by Cut or DisposeAsync
            }

            Interlocked.Increment(ref _accepted);
            var link = new Link(client);
            lock (_gate)
            {
                if (_listener != listener)
                {
                    link.Reset();
                    continue;
                }

                _links.Add(link);
            }

            Track(RunLinkAsync(link));
        }
    }

    private async Task RunLinkAsync(Link link)
    {
        try
        {
            await WaitFlowingAsync().ConfigureAwait(false);
            await link.Server.ConnectAsync(_upstream).ConfigureAwait(false);
            await Task.WhenAny(PumpAsync(link.Client, link.Server, toServer: true), PumpAsync(link.Server, link.Client, toServer: false))
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // The upstream refused, or the link was reset: the client sees its connection end.
        }
        finally
        {
            lock (_gate)
            {
                _links.Remove(link);
            }

            link.Reset();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool toServer)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                await WaitFlowingAsync().ConfigureAwait(false);
                var forward = read;
                var cut = false;
                if (toServer)
                {
                    var before = Interlocked.Add(ref _bytesToServer, read) - read;
                    var cutAt = Interlocked.Read(ref _cutAt);
                    if (before + read >= cutAt)
                    {
                        forward = (int)Math.Max(0, cutAt - before);
                        cut = true;
                    }
                }

                if (forward > 0)
                {
                    await to.SendAsync(buffer.AsMemory(0, forward), SocketFlags.None).ConfigureAwait(false);
                }

                if (cut)
                {
                    Cut();
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset by Cut, or closed by the other side.
        }
    }

    private Task WaitFlowingAsync()
    {
        lock (_gate)
        {
            return _flowing.Task;
        }
    }

    /// <summary>One proxied connection: the accepted client socket and the socket to the server.</summary>
    private sealed class Link(Socket client)
    {
        public Socket Client { get; } = client;

        public Socket Server { get; } = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        /// <summary>Closes both sockets with a zero linger, so both peers see a reset rather than an orderly close.</summary>
        public void Reset()
        {
            foreach (var socket in new[] { Client, Server })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Already closed.
                }

                socket.Dispose();
            }
        }
    }
}
