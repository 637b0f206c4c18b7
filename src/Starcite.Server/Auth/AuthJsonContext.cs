using System.Text.Json.Serialization;

namespace Starcite.Server.Auth;

/// <summary>The reply of <c>POST /v1/auth/issue</c>, in the original Starcite's shape.</summary>
internal sealed record IssueReply(string Token, string TokenType, long ExpiresAt, int ExpiresIn, PrincipalBody Principal, string[] Scopes, string[]? SessionIds);

/// <summary>A principal on the wire: <c>{tenant_id, id, type}</c>.</summary>
internal sealed record PrincipalBody(string TenantId, string Id, string Type);

/// <summary>Source-generated serialisation of the auth bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IssueReply))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
