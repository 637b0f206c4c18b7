using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// Linux epoll over the load tool's own sockets, so one thread can wait on a thousand of them at a cost per ready
/// socket rather than per socket (<c>Socket.Select</c> polls them all on every call). Level-triggered reads only.
/// The sockets must never run an async operation: those belong to .NET's own epoll engine.
/// </summary>
internal sealed partial class Epoll : IDisposable
{
    private const int In = 0x001; // EPOLLIN
    private const int Add = 1; // EPOLL_CTL_ADD

    private readonly int _fd;
    private readonly Event[] _ready;

    public Epoll(int capacity)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("Event matches the packed epoll_event layout of x86-64 only.");
        }

        _fd = Check(CreateEpoll(0));
        _ready = new Event[capacity];
    }

    /// <summary>
    /// A TCP connection to <paramref name="server"/> (no Nagle) fit to watch here: it is connected synchronously, because a
    /// socket that never runs an async operation stays out of .NET's epoll engine, which would otherwise wake a
    /// thread-pool worker on every readiness event this one already reports.
    /// </summary>
    public static async Task<Socket> ConnectAsync(Uri server)
    {
        var address = (await Dns.GetHostAddressesAsync(server.Host)).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(address, server.Port);
        return socket;
    }

    /// <summary>Watches <paramref name="socket"/> for reads; <see cref="Wait"/> reports it as <paramref name="token"/>.</summary>
    public void Watch(Socket socket, int token)
    {
        var watched = new Event { Events = In, Data = (ulong)token };
        Check(Control(_fd, Add, (int)socket.Handle, ref watched));
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> and returns the tokens of the readable sockets.</summary>
    public ReadOnlySpan<Event> Wait(int timeoutMilliseconds)
    {
        int count;
        while ((count = WaitForEvents(_fd, _ready, _ready.Length, timeoutMilliseconds)) < 0 && Marshal.GetLastPInvokeError() == 4) // EINTR
        {
        }

        return _ready.AsSpan(0, Check(count));
    }

    public void Dispose() => Check(Close(_fd));

    private static int Check(int result) => result >= 0 ? result : throw new Win32Exception(Marshal.GetLastPInvokeError());

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int CreateEpoll(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int Control(int epoll, int operation, int fd, ref Event watched);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int WaitForEvents(int epoll, [Out] Event[] events, int capacity, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary><c>struct epoll_event</c>, packed on x86-64: 4 bytes of flags, then 8 of user data.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct Event
    {
        public uint Events;
        public ulong Data;
    }
}
