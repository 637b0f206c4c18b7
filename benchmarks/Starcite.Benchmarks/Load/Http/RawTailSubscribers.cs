using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// WebSocket tails from cursor 0, as raw sockets read by one polling thread (the way <see cref="RawHttpLoop"/> drives
/// appends): a thousand subscribers cost the cores they share with the server a receive and a frame parse each per
/// event, not a task and a thread-pool hop. Every text frame is timestamped against the time its append was sent.
/// </summary>
/// <remarks>Reads what the server sends: unmasked, unfragmented frames (one per event); pings are ignored.</remarks>
internal sealed class RawTailSubscribers : IDisposable
{
    private readonly Subscriber[] _subscribers;
    private readonly long[][] _sent;
    private readonly Epoll _epoll;
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;

    private RawTailSubscribers(Subscriber[] subscribers, long[][] sent)
    {
        _subscribers = subscribers;
        _sent = sent;
        _epoll = new Epoll(subscribers.Length);
        for (var i = 0; i < subscribers.Length; i++)
        {
            _epoll.Watch(subscribers[i].Socket, i);
        }
    }

    /// <summary>Each subscriber's latencies (Stopwatch ticks from append sent to frame received).</summary>
    public IEnumerable<List<long>> Latencies => _subscribers.Select(s => s.Latencies);

    /// <summary>Opens one tail per entry of <paramref name="servers"/>.</summary>
    /// <param name="servers">The server each tail connects to.</param>
    /// <param name="session">The session every tail reads from cursor 0.</param>
    /// <param name="sent">Per writer, the Stopwatch timestamp at which each producer_seq was sent.</param>
    public static async Task<RawTailSubscribers> ConnectAsync(IReadOnlyList<Uri> servers, string session, long[][] sent)
    {
        var subscribers = new Subscriber[servers.Count];
        for (var i = 0; i < servers.Count; i++)
        {
            subscribers[i] = await Subscriber.ConnectAsync(servers[i], session);
        }

        return new RawTailSubscribers(subscribers, sent);
    }

    /// <summary>Reads every subscriber's frames on a thread of its own until <paramref name="stop"/>.</summary>
    public Task ReadAsync(CancellationToken stop) =>
        Task.Factory.StartNew(() => Read(stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Completes once every subscriber has received <paramref name="total"/> events.</summary>
    public Task WaitForAsync(int total, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _expected, total);
        return _caughtUp.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _epoll.Dispose();
        foreach (var subscriber in _subscribers)
        {
            subscriber.Socket.Dispose();
        }
    }

    private void Read(CancellationToken stop)
    {
        var (bar, caughtUp) = (int.MaxValue, 0);
        while (!stop.IsCancellationRequested)
        {
            if (Volatile.Read(ref _expected) is var expected && expected != bar)
            {
                (bar, caughtUp) = (expected, _subscribers.Count(s => s.Received >= expected));
            }

            foreach (var ready in _epoll.Wait(50))
            {
                var subscriber = _subscribers[(int)ready.Data];
                var before = subscriber.Received;
                subscriber.Receive(_sent);
                caughtUp += before < bar && subscriber.Received >= bar ? 1 : 0;
            }

            if (caughtUp == _subscribers.Length)
            {
                _caughtUp.TrySetResult();
            }
        }
    }

    private sealed class Subscriber(Socket socket, byte[] buffer, int filled)
    {
        private byte[] _buffer = buffer;
        private int _filled = filled;

        public Socket Socket { get; } = socket;

        public int Received { get; private set; }

        public List<long> Latencies { get; } = new(1 << 14);

        public static async Task<Subscriber> ConnectAsync(Uri server, string session)
        {
            var socket = await Epoll.ConnectAsync(server);
            socket.Send(Encoding.ASCII.GetBytes(WebSocketFrames.UpgradeRequest(server, $"/v1/sessions/{session}/tail?cursor=0")));
            var buffer = new byte[64 * 1024];
            var filled = 0;
            int headEnd;
            while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                var read = socket.Receive(buffer.AsSpan(filled));
                filled += read > 0 ? read : throw new IOException("The server closed the tail during the handshake.");
            }

            if (!buffer.AsSpan().StartsWith("HTTP/1.1 101"u8))
            {
                throw new InvalidOperationException($"Tail handshake: {Encoding.ASCII.GetString(buffer, 0, headEnd)}");
            }

            var rest = filled - (headEnd + 4); // frames that came with the handshake's answer
            buffer.AsSpan(headEnd + 4, rest).CopyTo(buffer);
            return new Subscriber(socket, buffer, rest);
        }

        /// <summary>Reads what the socket has and handles every whole frame in the buffer.</summary>
        public void Receive(long[][] sent)
        {
            if (_filled == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = Socket.Receive(_buffer.AsSpan(_filled), SocketFlags.None);
            _filled += read > 0 ? read : throw new IOException("The server closed a tail.");
            var arrived = Stopwatch.GetTimestamp();
            var at = 0;
            while (TryFrame(_buffer.AsSpan(at, _filled - at), out var opcode, out var payload, out var frameLength))
            {
                if (opcode == 0)
                {
                    throw new InvalidOperationException("A fragmented frame: this reader expects one frame per event.");
                }

                if (opcode == 1)
                {
                    var (writer, producerSeq) = ProducerOf(_buffer.AsSpan(at + payload.Start.Value, payload.End.Value - payload.Start.Value));
                    Latencies.Add(arrived - Volatile.Read(ref sent[writer][producerSeq]));
                    Received++;
                }

                at += frameLength;
            }

            _buffer.AsSpan(at, _filled - at).CopyTo(_buffer);
            _filled -= at;
        }

        /// <summary>A whole unmasked frame at the start of <paramref name="data"/>: its opcode and payload range.</summary>
        private static bool TryFrame(ReadOnlySpan<byte> data, out int opcode, out Range payload, out int frameLength)
        {
            (opcode, payload, frameLength) = (0, default, 0);
            if (data.Length < 2 || WebSocketFrames.HeaderLength(data[1]) is var header && data.Length < header)
            {
                return false;
            }

            var end = header + (int)WebSocketFrames.PayloadLength(data[..header]);
            if (data.Length < end)
            {
                return false; // Receive grows a full buffer, so a frame larger than it still arrives whole
            }

            (opcode, payload, frameLength) = (WebSocketFrames.Opcode(data[0]), new Range(header, end), end);
            return true;
        }

        /// <summary>Finds <c>"producer_id":"w{writer}"</c> and <c>"producer_seq":{n}</c> in the frame without parsing all of it.</summary>
        private static (int Writer, int ProducerSeq) ProducerOf(ReadOnlySpan<byte> frame)
        {
            var id = frame[(frame.IndexOf("\"producer_id\":\"w"u8) + 16)..];
            var seq = frame[(frame.IndexOf("\"producer_seq\":"u8) + 15)..];
            return (int.Parse(id[..id.IndexOf((byte)'"')], CultureInfo.InvariantCulture),
                    int.Parse(seq[..seq.IndexOfAny((byte)',', (byte)'}')], CultureInfo.InvariantCulture));
        }
    }
}
