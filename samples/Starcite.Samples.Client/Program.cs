using System.Net.WebSockets;
using System.Text;

// Tails a session of a running Starcite.Server over a WebSocket: every event after the cursor (history first, then
// live), one JSON object per line. Stop with Ctrl+C, or pass --count N to stop after N events.
//   dotnet run --project samples/Starcite.Samples.Client -- --session ses_demo --cursor 0
var url = Argument("--url") ?? "http://localhost:4000";
var session = Argument("--session") ?? "ses_demo";
var cursor = long.Parse(Argument("--cursor") ?? "0");
var count = Argument("--count") is { } limit ? int.Parse(limit) : int.MaxValue;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// snippet: client-tail
using var socket = new ClientWebSocket();
var tailUri = new Uri($"{url.Replace("http", "ws", StringComparison.Ordinal)}/v1/sessions/{session}/tail?cursor={cursor}");
await socket.ConnectAsync(tailUri, stop.Token);

var buffer = new byte[64 * 1024];
var frame = new MemoryStream();
for (var received = 0; received < count;)
{
    var result = await socket.ReceiveAsync(buffer, stop.Token);
    if (result.MessageType == WebSocketMessageType.Close)
    {
        // 1001: the server is shutting down. Reconnect with ?cursor=<last seq printed> to resume without a gap.
        Console.Error.WriteLine($"closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
        break;
    }

    frame.Write(buffer, 0, result.Count);
    if (result.EndOfMessage)
    {
        Console.WriteLine(Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length)); // one event: {"seq":1,...}
        frame.SetLength(0);
        received++;
    }
}
// end-snippet

string? Argument(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
