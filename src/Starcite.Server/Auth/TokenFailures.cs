using Microsoft.IdentityModel.Tokens;

namespace Starcite.Server.Auth;

/// <summary>Why a token failed validation, in fixed words: never the library's message, which may quote the token.</summary>
internal static class TokenFailures
{
    public static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "The token expired",
        SecurityTokenNotYetValidException => "The token is not valid yet",
        SecurityTokenNoExpirationException => "The token has no expiry",
        SecurityTokenInvalidIssuerException => "The token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "The token's audience is not accepted",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted",
        SecurityTokenSignatureKeyNotFoundException => "The token's signing key is not known",
        SecurityTokenInvalidSignatureException => "The token's signature is not valid",
        SecurityTokenMalformedException => "The token is not a well-formed JWT",
        _ => "The token is not valid",
    };
}
