using Microsoft.IdentityModel.JsonWebTokens;

namespace Starcite.Server.Auth;

/// <summary>
/// <c>exp</c> (required) and <c>nbf</c> (optional) against the auth clock, with the leeway. Checked here after the
/// handler's other checks rather than by the handler itself, whose clock is the wall clock.
/// </summary>
internal static class TokenLifetime
{
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z, the largest DateTimeOffset

    /// <summary>Null when the token is valid at <paramref name="now"/>, else why not; <paramref name="acceptedUntil"/>
    /// is when it stops being accepted (<c>exp</c> + leeway).</summary>
    public static string? Check(JsonWebToken token, DateTimeOffset now, TimeSpan leeway, out DateTimeOffset acceptedUntil)
    {
        acceptedUntil = default;
        if (!token.TryGetPayloadValue<long>("exp", out var exp))
        {
            return "The token has no expiry";
        }

        acceptedUntil = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(exp, 0, MaxUnixSeconds)) + (exp >= MaxUnixSeconds ? TimeSpan.Zero : leeway);
        if (now > acceptedUntil)
        {
            return "The token expired";
        }

        if (token.TryGetPayloadValue<long>("nbf", out var nbf) && DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(nbf, 0, MaxUnixSeconds)) - leeway > now)
        {
            return "The token is not valid yet";
        }

        return null;
    }
}
