using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Starcite.Archive;

namespace Starcite.Hosting;

/// <summary>Optional Starcite features, chained from <c>AddStarcite()</c>.</summary>
public static class StarciteBuilderExtensions
{
    /// <summary>
    /// Archives committed history to <typeparamref name="TStore"/> (contract §5), resolved from the container as a
    /// singleton; the <c>Starcite:Archive</c> options set the flush interval, the hot limit and the local retention.
    /// </summary>
    /// <remarks>The last registration wins; an earlier store is replaced.</remarks>
    /// <param name="builder">The Starcite builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IStarciteBuilder AddArchiveStore<TStore>(this IStarciteBuilder builder)
        where TStore : class, IArchiveStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IArchiveStore>();
        builder.Services.AddSingleton<IArchiveStore, TStore>();
        return builder;
    }

    /// <summary>Archives committed history to the store <paramref name="factory"/> creates (once, as a singleton).</summary>
    /// <param name="builder">The Starcite builder.</param>
    /// <param name="factory">Creates the store from the container.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is null.</exception>
    public static IStarciteBuilder AddArchiveStore(this IStarciteBuilder builder, Func<IServiceProvider, IArchiveStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<IArchiveStore>();
        builder.Services.AddSingleton(factory);
        return builder;
    }
}
