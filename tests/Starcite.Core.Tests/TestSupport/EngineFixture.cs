using System.Text;
using System.Text.Json;
using Starcite.Sessions;

namespace Starcite.Tests.TestSupport;

/// <summary>Helpers to open engines on a test's own directory and build requests.</summary>
public static class Engines
{
    public static StarciteOptions Options(string directory, Action<StarciteOptions>? configure = null)
    {
        var options = new StarciteOptions { DataDirectory = directory };
        options.Storage.MemorySize = 1L << 23;
        options.Storage.IndexMemorySize = 1L << 22;
        options.Storage.IndexBuckets = 1L << 14;
        configure?.Invoke(options);
        return options;
    }

    public static Task<StarciteEngine> StartAsync(string directory, Action<StarciteOptions>? configure = null, TimeProvider? time = null) =>
        StarciteEngine.StartAsync(Options(directory, configure), timeProvider: time, cancellationToken: TestContext.Current.CancellationToken);

    public static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value);

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    public static AppendRequest Event(string producer, long producerSeq, object? payload = null, long? expectedSeq = null, string type = "content") => new()
    {
        Type = type,
        Payload = Json(payload ?? new { text = $"{producer}-{producerSeq}" }),
        Actor = "agent:test",
        ProducerId = producer,
        ProducerSeq = producerSeq,
        ExpectedSeq = expectedSeq,
    };

    public static async Task<string> CreateAsync(this StarciteEngine engine, string? id = null)
    {
        var result = await engine.CreateSessionAsync(new CreateSessionRequest { Id = id }, TestContext.Current.CancellationToken);
        Assert.True(result.Created);
        return result.Session.Id;
    }
}
