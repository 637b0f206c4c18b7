using Microsoft.Extensions.Options;

namespace Starcite.Server.Auth;

/// <summary>Registers authentication (contract §7): options validated on start, the JWKS key cache, the principal
/// token signer and the authenticator the endpoints' <see cref="AccessFilter"/> uses.</summary>
internal static class AuthServices
{
    public static void AddStarciteAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton(AuthClock.Create);
        services.AddSingleton<JwksKeys>();
        services.AddSingleton<PrincipalTokens>();
        services.AddSingleton<Authenticator>();
        services.AddHostedService<AuthStartup>();
        // The factory's own request logging would write the JWKS URL whole; JwksKeys logs it redacted instead. Its
        // timeout comes from the auth clock (AuthOptions.JwksTimeout), not from the client's wall-clock timer.
        services.AddHttpClient(JwksKeys.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();

        // The hosting layer logs every request line, query string included, at Information before any middleware
        // runs; for tails that query carries access_token. Kestrel's bad-request messages may quote the target too.
        // The category is off altogether (it logs nothing above Information): while it is on at any level, hosting
        // also opens a logging scope and starts an Activity for every request, about 1 KB allocated per append.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Information);
    }
}
