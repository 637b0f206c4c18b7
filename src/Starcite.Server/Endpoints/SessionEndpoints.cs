using Microsoft.Extensions.Options;
using Starcite.Server.Auth;
using Starcite.Server.Cluster;
using Starcite.Server.Contracts;
using Starcite.Server.Errors;
using Starcite.Server.Tailing;
using Starcite.Sessions;

namespace Starcite.Server.Endpoints;

/// <summary>Sessions and history (contract §2-§4): create, get, list, append, events.</summary>
internal static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/v1/sessions").AddEndpointFilter(ContractErrorsFilter.InvokeAsync);
        // Auth runs first, on the member that took the request; a forwarded write is checked again by the leader.
        sessions.MapPost("", CreateAsync).RequireAccess(Access.CreateSession).AddEndpointFilter(LeaderForwarder.InvokeAsync);
        sessions.MapGet("", ListAsync).RequireAccess(Access.ListSessions);
        sessions.MapGet("/{id}", GetAsync).RequireAccess(Access.ReadSession);
        sessions.MapPost("/{id}/append", AppendAsync).RequireAccess(Access.AppendToSession).AddEndpointFilter(LeaderForwarder.InvokeAsync);
        sessions.MapGet("/{id}/events", EventsAsync).RequireAccess(Access.ReadSession);
        sessions.MapTailEndpoint();
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, StarciteEngine engine, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadObjectAsync(request, options.Value.MaxBodyBytes, allowEmpty: true, cancellationToken);
        using (body)
        {
            if (error is not null)
            {
                return error.ToResult();
            }

            var (parsed, invalid) = CreateSessionBody.Parse(body!.Root, body.Utf8);
            var (create, denied) = invalid is null ? AccessPolicy.ForCreate(AuthContext.Of(request.HttpContext), parsed!, body.Root) : (null, invalid);
            if (denied is not null)
            {
                return denied.ToResult();
            }

            var result = await engine.CreateSessionAsync(create!, cancellationToken);
            return result.Created
                ? new JsonResult(StatusCodes.Status201Created, writer => WireFormat.WriteSession(writer, result.Session))
                : new ApiError(StatusCodes.Status409Conflict, "session_exists", $"Session {result.Session.Id} already exists").ToResult();
        }
    }

    private static async Task<IResult> GetAsync(string id, StarciteEngine engine, CancellationToken cancellationToken)
    {
        var session = await engine.GetSessionAsync(id, cancellationToken);
        return session is null
            ? new ApiError(StatusCodes.Status404NotFound, "session_not_found", $"Session {id} was not found").ToResult()
            : new JsonResult(StatusCodes.Status200OK, writer => WireFormat.WriteSession(writer, session));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, StarciteEngine engine, CancellationToken cancellationToken)
    {
        if (!Query.TryLimit(request, out var limit, out var error))
        {
            return error.ToResult();
        }

        if (!Query.TryMetadataFilter(request, out var filter, out error))
        {
            return error.ToResult();
        }

        var query = new SessionQuery { Limit = limit, Cursor = request.Query["cursor"].FirstOrDefault(), MetadataFilter = filter };
        var page = await FencedListing.ListAsync(engine, query, AuthContext.Of(request.HttpContext), cancellationToken);
        return new JsonResult(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("sessions");
            foreach (var session in page.Sessions)
            {
                WireFormat.WriteSession(writer, session);
            }

            writer.WriteEndArray();
            writer.WriteString("next_cursor", page.NextCursor);
            writer.WriteEndObject();
        });
    }

    private static async Task<IResult> AppendAsync(string id, HttpRequest request, StarciteEngine engine, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadObjectAsync(request, options.Value.MaxBodyBytes, allowEmpty: false, cancellationToken);
        using (body)
        {
            if (error is not null)
            {
                return error.ToResult();
            }

            var (append, invalid) = AppendBody.Parse(body!.Root, body.Utf8, AuthContext.Of(request.HttpContext).Actor);
            if (invalid is not null)
            {
                return invalid.ToResult();
            }

            var result = await engine.AppendAsync(id, append!, cancellationToken);
            if (!result.Succeeded)
            {
                return ApiError.From(result, id, append!.ProducerId, append.ProducerSeq, append.ExpectedSeq).ToResult();
            }

            return JsonResult.Of(StatusCodes.Status201Created, new AppendReply(result.Seq, result.LastSeq, result.Deduped), WireJsonContext.Default.AppendReply);
        }
    }

    private static async Task<IResult> EventsAsync(string id, HttpRequest request, StarciteEngine engine, CancellationToken cancellationToken)
    {
        if (!Query.TryCursor(request, out var cursor, out var error) || !Query.TryLimit(request, out var limit, out error))
        {
            return error.ToResult();
        }

        var page = await engine.ReadEventsAsync(id, cursor, limit, cancellationToken);
        return new JsonResult(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var e in page.Events)
            {
                WireFormat.WriteEvent(writer, e);
            }

            writer.WriteEndArray();
            writer.WriteNumber("next_cursor", page.NextCursor);
            writer.WriteNumber("last_seq", page.LastSeq);
            writer.WriteEndObject();
        });
    }
}
