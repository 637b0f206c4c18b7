namespace Starcite.Server.Auth;

/// <summary>
/// The clock of everything auth does: token lifetimes, the JWKS refresh timer and throttle, the validation cache,
/// tail expiry. A host (a test) may register a keyed <see cref="TimeProvider"/> under <see cref="ServiceKey"/> to move
/// auth time alone, without also moving the engine's timestamps and timers.
/// </summary>
internal sealed class AuthClock(TimeProvider time)
{
    /// <summary>The service key of a <see cref="TimeProvider"/> used by auth only.</summary>
    public const string ServiceKey = "Starcite.Auth";

    public TimeProvider Time { get; } = time;

    public DateTimeOffset UtcNow => Time.GetUtcNow();

    public static AuthClock Create(IServiceProvider services) =>
        new(services.GetKeyedService<TimeProvider>(ServiceKey) ?? services.GetService<TimeProvider>() ?? TimeProvider.System);
}
