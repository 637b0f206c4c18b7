using Microsoft.Extensions.DependencyInjection;

namespace Starcite.Hosting;

/// <summary>Configures Starcite in a service collection; returned by <c>AddStarcite</c> so further Starcite features chain from it.</summary>
public interface IStarciteBuilder
{
    /// <summary>The service collection Starcite is registered in.</summary>
    IServiceCollection Services { get; }
}
