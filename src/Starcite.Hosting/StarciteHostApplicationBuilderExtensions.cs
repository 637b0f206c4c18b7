using Microsoft.Extensions.DependencyInjection;
using Starcite;
using Starcite.Hosting;

#pragma warning disable IDE0130 // Hosting extensions live where users look for them (house style §3).
namespace Microsoft.Extensions.Hosting;
#pragma warning restore IDE0130

/// <summary>Registers Starcite in a host application builder.</summary>
public static class StarciteHostApplicationBuilderExtensions
{
    /// <summary>
    /// Registers Starcite in <paramref name="builder"/>'s services; the same as
    /// <see cref="StarciteServiceCollectionExtensions.AddStarcite(IServiceCollection, Action{StarciteOptions}?)"/>,
    /// binding the <c>Starcite</c> section of the builder's configuration.
    /// </summary>
    /// <param name="builder">The host application builder.</param>
    /// <param name="configure">Adjusts the options after they are bound from configuration; optional.</param>
    /// <returns>A builder for further Starcite configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IStarciteBuilder AddStarcite(this IHostApplicationBuilder builder, Action<StarciteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.AddStarcite(configure);
    }
}
