namespace Starcite.Server.Auth;

/// <summary>How the server authenticates requests (<c>STARCITE_AUTH_MODE</c>, contract §7).</summary>
public enum AuthMode
{
    /// <summary>No checks: every request is allowed (the default).</summary>
    None = 0,

    /// <summary>Service JWTs (RS256, keys from a JWKS URL) and the principal tokens the server issues.</summary>
    Jwt = 1,
}
