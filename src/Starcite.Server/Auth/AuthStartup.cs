using Microsoft.Extensions.Options;

namespace Starcite.Server.Auth;

/// <summary>In jwt mode, starts fetching the signing keys as the host starts, so the first service request rarely has to
/// wait for them. A key server that is down does not stop the host: service tokens get 503 until it answers.</summary>
internal sealed class AuthStartup(IOptions<AuthOptions> options, JwksKeys keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode == AuthMode.Jwt)
        {
            keys.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
