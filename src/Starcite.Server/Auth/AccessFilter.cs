using Microsoft.Extensions.Options;

namespace Starcite.Server.Auth;

/// <summary>
/// <c>.RequireAccess(access)</c> on an endpoint: in jwt mode, every request is authenticated and checked against
/// <see cref="AccessPolicy"/> before the handler runs (so before a body is read or a socket upgraded); the context is
/// then attached to the request (<see cref="AuthContext.Of"/>). With auth off the endpoint gets no filter at all.
/// </summary>
internal static class AccessFilter
{
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, Access access)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            if (services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode == AuthMode.None)
            {
                return next;
            }

            var authenticator = services.GetRequiredService<Authenticator>();
            var engine = services.GetRequiredService<StarciteEngine>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Starcite.Server.Auth");
            return invocation => InvokeAsync(invocation, next, access, authenticator, engine, logger);
        });

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next, Access access,
        Authenticator authenticator, StarciteEngine engine, ILogger logger)
    {
        var http = invocation.HttpContext;
        var outcome = await authenticator.AuthenticateAsync(http.Request, allowQueryToken: access == Access.TailSession, http.RequestAborted);
        if (outcome.Context is not { } auth)
        {
            LogRefusal(logger, http, outcome.Status, outcome.Status == StatusCodes.Status401Unauthorized ? "unauthorized" : "unavailable", outcome.Message);
            return outcome.ToResult();
        }

        if (await AccessPolicy.CheckAsync(auth, access, http, engine) is { } denied)
        {
            LogRefusal(logger, http, denied.Status, denied.Code, denied.Message);
            return denied.ToResult();
        }

        http.Features.Set(auth);
        return await next(invocation);
    }

    private static void LogRefusal(ILogger logger, HttpContext http, int status, string code, string message)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var path = http.Request.Path.ToString(); // the path only: the query string may hold a token
            AuthLog.TokenRejected(logger, http.Request.Method, path, status, code, message);
        }
    }
}
