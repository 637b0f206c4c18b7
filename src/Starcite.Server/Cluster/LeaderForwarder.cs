using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Starcite.Server.Contracts;
using Starcite.Server.Errors;

namespace Starcite.Server.Cluster;

/// <summary>
/// In a cluster, writes that reach a follower are sent on to the leader over the same HTTP API (contract §5), and the
/// leader's answer goes back to the client unchanged. The body is forwarded as received; the leader validates it.
/// </summary>
/// <remarks>A forwarded request carries <see cref="ForwardedHeader"/>; a member that is not the leader either answers it
/// with 503 instead of forwarding again, so a stale view of the leader can never make a request loop.</remarks>
internal sealed class LeaderForwarder(IOptions<ServerOptions> options) : IDisposable
{
    public const string ForwardedHeader = "X-Starcite-Forwarded";

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 256,
        UseProxy = false,
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The endpoint filter of the write routes: forwards to the leader when this member is a follower.</summary>
    public static ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var engine = http.RequestServices.GetRequiredService<StarciteEngine>();
        return engine.Cluster is { Role: not Replication.ClusterRole.Leader } cluster
            ? ForwardOrRefuseAsync(http, cluster)
            : next(context); // a single node, or the leader: no await here, no state machine per request
    }

    private static async ValueTask<object?> ForwardOrRefuseAsync(HttpContext http, Replication.ClusterStatus cluster)
    {
        if (http.Request.Headers.ContainsKey(ForwardedHeader) || cluster.LeaderClientUrl is null)
        {
            return ApiError.Unavailable("No leader is reachable from this node yet (an election may be running); retry shortly").ToResult();
        }

        return await http.RequestServices.GetRequiredService<LeaderForwarder>().ForwardAsync(http, new Uri(cluster.LeaderClientUrl));
    }

    private async Task<IResult> ForwardAsync(HttpContext http, Uri leader)
    {
        var (body, error) = await RequestBody.ReadBytesAsync(http.Request, options.Value.MaxBodyBytes, http.RequestAborted);
        if (error is not null)
        {
            return error.ToResult();
        }

        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), new Uri(leader, http.Request.Path + http.Request.QueryString))
        {
            Content = new ByteArrayContent(body!),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(ForwardedHeader, "1");
        if (http.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        try
        {
            using var response = await _client.SendAsync(request, http.RequestAborted);
            var bytes = await response.Content.ReadAsByteArrayAsync(http.RequestAborted);
            return new ForwardedResult((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), response.Headers.RetryAfter?.ToString(), bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            return ApiError.Unavailable($"The leader at {leader} did not answer; retry shortly").ToResult();
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The leader's answer, passed through as it came.</summary>
    private sealed class ForwardedResult(int status, string? contentType, string? retryAfter, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = contentType;
            if (retryAfter is not null)
            {
                httpContext.Response.Headers.RetryAfter = retryAfter;
            }

            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
