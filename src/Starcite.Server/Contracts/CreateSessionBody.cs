using System.Text.Json;
using Starcite.Server.Errors;
using Starcite.Sessions;

namespace Starcite.Server.Contracts;

/// <summary>The create-session request body of contract §2; every field is optional. Unknown fields are ignored.</summary>
internal static class CreateSessionBody
{
    public static (CreateSessionRequest? Request, ApiError? Error) Parse(JsonElement body, ReadOnlyMemory<byte> utf8)
    {
        if (!JsonFields.TryString(body, "id", out var id, out var error))
        {
            return (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_session_id", error!));
        }

        if (!JsonFields.TryString(body, "title", out var title, out error))
        {
            return (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_event", error!));
        }

        if (!JsonFields.TryObject(body, "metadata", utf8, out var metadata, out error))
        {
            return (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_metadata", error!));
        }

        Principal? principal = null;
        if (body.TryGetProperty("creator_principal", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Object
                || !JsonFields.TryString(p, "tenant_id", out var tenant, out _) || tenant is null
                || !JsonFields.TryString(p, "id", out var principalId, out _) || principalId is null
                || !JsonFields.TryString(p, "type", out var type, out _) || type is not ("user" or "agent"))
            {
                return (null, new ApiError(StatusCodes.Status400BadRequest, "invalid_event",
                    "creator_principal must be an object {tenant_id, id, type: user|agent}"));
            }

            principal = new Principal(tenant, principalId, type == "agent" ? PrincipalType.Agent : PrincipalType.User);
        }

        return (new CreateSessionRequest { Id = id, Title = title, Metadata = metadata, CreatorPrincipal = principal }, null);
    }
}
