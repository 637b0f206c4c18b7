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
}
