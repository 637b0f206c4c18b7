using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

[Trait("Category", "Integration")]
public sealed class ServerStartupTests
{
    [Fact]
    public async Task Start_InvalidEngineOption_FailsNamingTheOption()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Storage:PageSize"] = "3000000" }));

        Assert.Contains(error.Failures, failure => failure.Contains("Storage.PageSize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ConfigurationFiles_AreNotWatched()
    {
        // A watcher over the content root would wake on every write of a data directory inside it (the default ./data).
        await using var server = await ServerHost.StartAsync();
        var configuration = (IConfigurationRoot)server.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.NotEmpty(files); // appsettings.json and appsettings.{environment}.json, optional
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, file.Source.Path));
    }
}
