using System.Globalization;
using Starcite;
using Starcite.CrashWriter;
using Starcite.Sessions;

// Usage: Starcite.CrashWriter <data-directory> <run> [--sessions S] [--writers W] [--checkpoint-seconds N] [--small-segments 1] [--throughput 1]
// Opens the engine, creates or reuses sessions crash-0 .. crash-(S-1), and runs W writers that append forever. Each
// acknowledged append prints "ack <sessionId> <seq> <producerId> <producerSeq>"; "ready" is printed once writing has
// started. Producer ids are "r<run>-w<writer>", so every run starts new producers at producer_seq 1 and dedupe can
// never hide an event lost by an earlier run. It runs until killed; any unexpected outcome ends it with exit code 2.
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: Starcite.CrashWriter <data-directory> <run> [--sessions S] [--writers W] [--checkpoint-seconds N] [--small-segments 1] [--throughput 1]");
    return 64;
}

var directory = args[0];
var run = int.Parse(args[1], CultureInfo.InvariantCulture);
var sessions = Option("--sessions", 4);
var writers = Option("--writers", 8);
var checkpointSeconds = Option("--checkpoint-seconds", 0);
var smallSegments = Option("--small-segments", 0) == 1;
var throughput = Option("--throughput", 0) == 1;

var output = new AckWriter(Console.OpenStandardOutput());
var options = CrashWriterOptions.Create(directory, smallSegments);
if (throughput)
{
    options.Storage.CommitMode = Starcite.Storage.CommitMode.Throughput;
}

if (checkpointSeconds > 0)
{
    options.Storage.CheckpointInterval = TimeSpan.FromSeconds(checkpointSeconds);
}

var engine = await StarciteEngine.StartAsync(options, new LineLoggerFactory(output));
var ids = new string[sessions];
for (var i = 0; i < sessions; i++)
{
    ids[i] = (await engine.CreateSessionAsync(new CreateSessionRequest { Id = CrashEvents.SessionId(i) })).Session.Id;
}

var tasks = new Task[writers];
for (var w = 0; w < writers; w++)
{
    var writer = w;
    tasks[w] = Task.Run(() => WriteForeverAsync(writer));
}

output.Line("ready");
var failed = await Task.WhenAny(tasks);
await Console.Error.WriteLineAsync($"writer stopped: {failed.Exception}");
return 2;

async Task WriteForeverAsync(int writer)
{
    var producerId = $"r{run}-w{writer}";
    var random = new Random(HashCode.Combine(run, writer));
    var next = new long[sessions];
    Array.Fill(next, 1);
    while (true)
    {
        var session = random.Next(sessions);
        var producerSeq = next[session];
        var result = await engine.AppendAsync(ids[session], CrashEvents.Request(producerId, producerSeq));
        if (result.Status != AppendStatus.Appended)
        {
            throw new InvalidOperationException($"{ids[session]} {producerId}/{producerSeq}: {result}");
        }

        next[session] = producerSeq + 1;
        output.Line($"ack {ids[session]} {result.Seq} {producerId} {producerSeq}");
    }
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
