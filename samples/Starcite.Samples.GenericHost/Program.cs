// The Generic Host quick start quoted in README.md: AddStarcite, then a producer and a consumer that inject the engine.
// Settings: --Starcite:DataDirectory=<dir> (default: a folder under the temp directory) and --Events=<n> (default 5),
// or the same keys in appsettings.json or environment variables (Starcite__DataDirectory, Events).
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Starcite;
using Starcite.Sessions;

// begin-snippet: generichost-quickstart
var builder = Host.CreateApplicationBuilder(args);

// Binds the "Starcite" configuration section and validates it when the host starts; the delegate runs after binding.
builder.AddStarcite(options => options.DataDirectory =
    builder.Configuration["Starcite:DataDirectory"] ?? Path.Combine(Path.GetTempPath(), "starcite-generichost"));

builder.Services.AddSingleton(new Quickstart(Math.Max(1, builder.Configuration.GetValue("Events", 5))));
builder.Services.AddHostedService<Producer>();
builder.Services.AddHostedService<Consumer>();

// The engine recovers before the producer and consumer start, and drains after they stop.
await builder.Build().RunAsync();

/// <summary>What the producer tells the consumer: how many events, and (once created) which session.</summary>
internal sealed class Quickstart(int events)
{
    public int Events { get; } = events;

    public TaskCompletionSource<string> Session { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed partial class Producer(StarciteEngine engine, Quickstart quickstart, ILogger<Producer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var created = await engine.CreateSessionAsync(new CreateSessionRequest { Title = "Generic Host quick start" }, stoppingToken);
        var sessionId = created.Session.Id;
        quickstart.Session.SetResult(sessionId);

        for (var producerSeq = 1; producerSeq <= quickstart.Events; producerSeq++)
        {
            // Durable before it returns; retrying the same (ProducerId, ProducerSeq) returns the original seq.
            var appended = await engine.AppendAsync(sessionId, new AppendRequest
            {
                Type = "content",
                Payload = JsonSerializer.SerializeToUtf8Bytes(new { text = $"step {producerSeq}" }),
                Actor = "agent:producer",
                ProducerId = "producer-1",
                ProducerSeq = producerSeq,
            }, stoppingToken);
            LogAppended(logger, appended.Seq, sessionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "appended seq={Seq} to {SessionId}")]
    private static partial void LogAppended(ILogger logger, long seq, string sessionId);
}

internal sealed partial class Consumer(StarciteEngine engine, Quickstart quickstart, IHostApplicationLifetime lifetime, ILogger<Consumer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sessionId = await quickstart.Session.Task.WaitAsync(stoppingToken);

        // History first, then live, with no gap and no duplicate.
        await using var tail = engine.OpenTail(sessionId, cursor: 0);
        await foreach (var evt in tail.ReadAllAsync(stoppingToken))
        {
            var payload = Encoding.UTF8.GetString(evt.Payload.Span);
            LogReceived(logger, evt.Seq, evt.Type, payload);
            if (evt.Seq == quickstart.Events)
            {
                break;
            }
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "tail: seq={Seq} type={Type} payload={Payload}")]
    private static partial void LogReceived(ILogger logger, long seq, string type, string payload);
}
// end-snippet
