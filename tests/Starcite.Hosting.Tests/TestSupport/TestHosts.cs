using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Starcite.Sessions;

namespace Starcite.Hosting.Tests.TestSupport;

/// <summary>Real Generic Hosts for tests: in-memory configuration, no console logging, scope and build validation on.</summary>
public static class TestHosts
{
    public static HostApplicationBuilder CreateBuilder(string dataDirectory, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            EnvironmentName = Environments.Development, // ValidateOnBuild and ValidateScopes
            ContentRootPath = dataDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new("Starcite:DataDirectory", dataDirectory), .. settings ?? []]);
        return builder;
    }

    public static AppendRequest Event(int producerSeq) => new()
    {
        Type = "content",
        Payload = JsonSerializer.SerializeToUtf8Bytes(new { text = $"step {producerSeq}" }),
        Actor = "agent:test",
        ProducerId = "test-1",
        ProducerSeq = producerSeq,
    };
}
