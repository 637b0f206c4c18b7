using System.Net;
using System.Net.Sockets;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>The fault proxy itself, against a loopback echo server, so outage tests can trust what it does.</summary>
[Trait("Category", "Unit")]
public sealed class TcpFaultProxyTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private readonly Task _echoLoop;
    private readonly TcpFaultProxy _proxy;

    public TcpFaultProxyTests()
    {
        _echo.Start();
        _echoLoop = EchoAsync();
        _proxy = TcpFaultProxy.Start("127.0.0.1", ((IPEndPoint)_echo.LocalEndpoint).Port);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connect_ThroughProxy_ForwardsBothWaysAndCountsBytes()
    {
        using var client = await ConnectAsync();

        Assert.Equal("hello", await RoundTripAsync(client, "hello"));
        Assert.Equal(5, _proxy.BytesToServer);
        Assert.Equal(1, _proxy.AcceptedConnections);
    }

    [Fact]
    public async Task Cut_OpenConnectionAndNewOnes_ResetsAndRefusesUntilRestore()
    {
        using var client = await ConnectAsync();
        Assert.Equal("a", await RoundTripAsync(client, "a"));

        _proxy.Cut();
        await Assert.ThrowsAnyAsync<Exception>(() => RoundTripAsync(client, "b"));
        var refused = await Assert.ThrowsAsync<SocketException>(ConnectAsync);
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        _proxy.Restore();
        using var again = await ConnectAsync();
        Assert.Equal("c", await RoundTripAsync(again, "c"));
    }

    [Fact]
    public async Task Blackhole_OpenConnection_ForwardsNothingUntilRestoreResetsIt()
    {
        using var client = await ConnectAsync();
        Assert.Equal("a", await RoundTripAsync(client, "a"));

        _proxy.Blackhole();
        await client.GetStream().WriteAsync("b"u8.ToArray(), Ct);
        var read = client.GetStream().ReadAsync(new byte[1], Ct).AsTask();
        var stalled = await Task.WhenAny(read, Task.Delay(TimeSpan.FromMilliseconds(300), Ct));
        Assert.NotSame(read, stalled); // nothing came back while the hole was open

        _proxy.Restore();
        var ended = await Record.ExceptionAsync(async () => Assert.Equal(0, await CompletesAsync(read)));
        Assert.True(ended is null or IOException, $"the stalled connection was not reset: {ended}");
        using var again = await ConnectAsync();
        Assert.Equal("c", await RoundTripAsync(again, "c"));
    }

    [Fact]
    public async Task CutAfterBytesToServer_LongRequest_ForwardsExactlyThatManyBytesThenCuts()
    {
        using var client = await ConnectAsync();
        _proxy.CutAfterBytesToServer(3);

        await client.GetStream().WriteAsync("abcdef"u8.ToArray(), Ct);
        var echoed = 0;
        var buffer = new byte[16];
        try
        {
            int read;
            while ((read = await CompletesAsync(client.GetStream().ReadAsync(buffer, Ct).AsTask())) > 0)
            {
                echoed += read;
            }
        }
        catch (IOException)
        {
            // reset by the cut
        }

        Assert.True(echoed <= 3, $"{echoed} bytes came back");
        await Assert.ThrowsAsync<SocketException>(ConnectAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _echo.Stop();
        await _echoLoop;
    }

    private static async Task<T> CompletesAsync<T>(Task<T> task) => await task.WaitAsync(Patience, Ct);

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, _proxy.Port, Ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<string> RoundTripAsync(TcpClient client, string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        await client.GetStream().WriteAsync(bytes, Ct);
        var buffer = new byte[bytes.Length];
        await client.GetStream().ReadExactlyAsync(buffer, Ct).AsTask().WaitAsync(Patience, Ct);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private async Task EchoAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _echo.AcceptSocketAsync();
                connections.Add(Task.Run(async () =>
                {
                    using (socket)
                    {
                        var buffer = new byte[1024];
                        try
                        {
                            int n;
                            while ((n = await socket.ReceiveAsync(buffer)) > 0)
                            {
                                await socket.SendAsync(buffer.AsMemory(0, n));
                            }
                        }
                        catch (SocketException)
                        {
                            // reset by the proxy
                        }
                    }
                }));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }

        await Task.WhenAll(connections);
    }
}
