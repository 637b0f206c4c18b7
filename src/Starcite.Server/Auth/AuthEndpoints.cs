using Microsoft.Extensions.Options;
using Starcite.Server.Contracts;
using Starcite.Server.Errors;

namespace Starcite.Server.Auth;

/// <summary><c>POST /v1/auth/issue</c> (contract §7): a service mints a short-lived principal token.</summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/auth/issue", IssueAsync).AddEndpointFilter(ContractErrorsFilter.InvokeAsync).RequireAccess(Access.IssueToken);

    private static async Task<IResult> IssueAsync(HttpRequest request, IOptions<AuthOptions> auth, IOptions<ServerOptions> server, PrincipalTokens tokens,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // Auth off: there is no service to vouch for the principal, so nothing is minted.
        if (auth.Value.Mode == AuthMode.None || !tokens.Enabled)
        {
            return new ApiError(StatusCodes.Status403Forbidden, "forbidden", auth.Value.Mode == AuthMode.None
                ? "Tokens are issued only with STARCITE_AUTH_MODE=jwt"
                : "Principal tokens are disabled: STARCITE_AUTH_PRINCIPAL_TOKEN_SECRET is not set").ToResult();
        }

        var (body, error) = await RequestBody.ReadObjectAsync(request, server.Value.MaxBodyBytes, allowEmpty: false, cancellationToken);
        using (body)
        {
            if (error is not null)
            {
                return error.ToResult();
            }

            var (issue, invalid) = IssueRequest.Parse(body!.Root, auth.Value);
            if (invalid is not null)
            {
                return invalid.ToResult();
            }

            var (token, expiresAt) = tokens.Issue(issue!);
            var scopes = ScopeNames.NamesOf(issue!.Scopes);
            var type = AuthContext.TypeName(issue.Principal.Type);
            var scopeList = string.Join(' ', scopes);
            var logger = loggerFactory.CreateLogger("Starcite.Server.Auth");
            AuthLog.PrincipalTokenIssued(logger, type, issue.Principal.Id, issue.Principal.TenantId, scopeList, issue.TtlSeconds);
            var reply = new IssueReply(token, "Bearer", expiresAt.ToUnixTimeSeconds(), issue.TtlSeconds,
                new PrincipalBody(issue.Principal.TenantId, issue.Principal.Id, type), scopes, issue.SessionIds);
            return JsonResult.Of(StatusCodes.Status200OK, reply, AuthJsonContext.Default.IssueReply);
        }
    }
}
