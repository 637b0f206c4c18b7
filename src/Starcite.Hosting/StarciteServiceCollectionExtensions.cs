using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Starcite;
using Starcite.Hosting;
using Starcite.Hosting.HealthChecks;

#pragma warning disable IDE0130 // Hosting extensions live where users look for them (house style §3).
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers Starcite in a service collection.</summary>
public static class StarciteServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="StarciteOptions"/> is bound from.</summary>
    public const string ConfigurationSectionName = "Starcite";

    /// <summary>
    /// Registers a <see cref="StarciteEngine"/> singleton that any service can inject, started before the host's other
    /// services and disposed after them, with its options bound from the <c>Starcite</c> configuration section.
    /// </summary>
    /// <remarks>
    /// <para>The options are validated when the host starts, with every rule the embedded engine applies; an invalid
    /// option fails <c>IHost.StartAsync</c> with an <see cref="OptionsValidationException"/> that names it. So does data
    /// that cannot be recovered, with a <see cref="StorageFailedException"/>.</para>
    /// <para>The engine uses the <see cref="ILoggerFactory"/>, <see cref="IMeterFactory"/> and <see cref="TimeProvider"/>
    /// registered in the container; <see cref="TimeProvider.System"/> when none is.</para>
    /// <para>Registers the health checks <see cref="StarciteHealthChecks.LiveCheckName"/> (tag
    /// <see cref="StarciteHealthChecks.LiveTag"/>) and <see cref="StarciteHealthChecks.ReadyCheckName"/> (tag
    /// <see cref="StarciteHealthChecks.ReadyTag"/>).</para>
    /// <para>Idempotent: a second call registers nothing more than its <paramref name="configure"/> delegate, which runs
    /// after the earlier ones and after configuration binding.</para>
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options after they are bound from configuration; optional.</param>
    /// <returns>A builder for further Starcite configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IStarciteBuilder AddStarcite(this IServiceCollection services, Action<StarciteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (!services.Any(static d => d.ServiceType == typeof(StarciteMarkerService)))
        {
            services.AddSingleton<StarciteMarkerService>();
            services.AddOptions<StarciteOptions>().BindConfiguration(ConfigurationSectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StarciteOptions>, StarciteHostedOptionsValidator>());
            services.TryAddSingleton<EngineState>();
            services.TryAddSingleton(static sp => new StarciteEngine(
                sp.GetRequiredService<IOptions<StarciteOptions>>().Value,
                sp.GetService<ILoggerFactory>(),
                sp.GetService<IMeterFactory>(),
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<Starcite.Archive.IArchiveStore>()));
            services.AddHostedService<StarciteLifecycleService>();
            services.AddHealthChecks()
                .AddCheck(StarciteHealthChecks.LiveCheckName, static () => HealthCheckResult.Healthy("The process is running."), [StarciteHealthChecks.LiveTag])
                .AddCheck<StarciteReadinessCheck>(StarciteHealthChecks.ReadyCheckName, HealthStatus.Unhealthy, [StarciteHealthChecks.ReadyTag]);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new StarciteBuilder(services);
    }
}
