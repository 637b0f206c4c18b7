using Microsoft.AspNetCore.Diagnostics;
using Starcite.Server.Diagnostics;

namespace Starcite.Server.Errors;

/// <summary>
/// Every failure leaves as the contract's error body: engine exceptions by their code, malformed HTTP by its status,
/// unknown routes as 404 <c>not_found</c>, and anything unexpected as 500 <c>internal_error</c> (never for bad input).
/// </summary>
internal static class ErrorHandling
{
    public static void UseContractErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A missing session is a 404 answer, not an unhandled error: without this the middleware rethrows.
            AllowStatusCode404Response = true,
            ExceptionHandler = WriteExceptionAsync,
        });
        app.UseStatusCodePages(context => WriteStatusAsync(context.HttpContext));
    }

    private static async Task WriteExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var error = exception switch
        {
            StarciteException e => ApiError.From(e),
            BadHttpRequestException e => ApiError.From(e),
            _ => new ApiError(StatusCodes.Status500InternalServerError, "internal_error", "The server failed to handle the request"),
        };
        if (error.Status >= 500)
        {
            ServerLog.Unhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Starcite.Server"), exception);
        }

        await error.ToResult().ExecuteAsync(context);
    }

    /// <summary>Bodies for statuses the framework sets without one (no route, wrong method).</summary>
    private static Task WriteStatusAsync(HttpContext http)
    {
        var error = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ApiError.NotFound($"No route for {http.Request.Method} {http.Request.Path}"),
            StatusCodes.Status405MethodNotAllowed => new ApiError(StatusCodes.Status405MethodNotAllowed, "method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}"),
            var status => new ApiError(status, status >= 500 ? "internal_error" : "invalid_json", $"HTTP {status}"),
        };
        return error.ToResult().ExecuteAsync(http);
    }
}
