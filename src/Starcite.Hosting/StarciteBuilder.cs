using Microsoft.Extensions.DependencyInjection;

namespace Starcite.Hosting;

internal sealed class StarciteBuilder(IServiceCollection services) : IStarciteBuilder
{
    public IServiceCollection Services { get; } = services;
}
