namespace Starcite.Sessions;

/// <summary>Who created a session: a user or an agent of a tenant.</summary>
/// <param name="TenantId">The tenant, non-empty, at most 256 characters.</param>
/// <param name="Id">The principal's id within the tenant, non-empty, at most 256 characters.</param>
/// <param name="Type">The principal's kind.</param>
public sealed record Principal(string TenantId, string Id, PrincipalType Type);

/// <summary>The kind of a <see cref="Principal"/>. Persisted: never renumber.</summary>
public enum PrincipalType
{
    /// <summary>A human user.</summary>
    User = 0,

    /// <summary>An automated agent.</summary>
    Agent = 1,
}
