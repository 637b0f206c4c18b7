namespace Starcite.Server.Errors;

/// <summary>
/// Answers the engine's expected exceptions (bad input, missing session, shutting down, no leader or quorum) with their contract error
/// right at the endpoint, so they never reach the unhandled-error path and its error-level log.
/// </summary>
internal static class ContractErrorsFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (StarciteException exception) when (exception is InvalidRequestException or SessionNotFoundException or EngineClosedException
                                                      or UnavailableException or NotLeaderException)
        {
            return ApiError.From(exception).ToResult();
        }
    }
}
