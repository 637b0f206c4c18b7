using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Starcite.Server.Errors;

namespace Starcite.Server.Endpoints;

/// <summary>Query-string parameters with the contract's errors (<c>invalid_cursor</c>, <c>invalid_limit</c>).</summary>
internal static class Query
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static bool TryLimit(HttpRequest request, out int limit, [NotNullWhen(false)] out ApiError? error)
    {
        error = null;
        var text = request.Query["limit"].FirstOrDefault();
        if (text is null)
        {
            limit = DefaultLimit;
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit)
        {
            return true;
        }

        error = new ApiError(StatusCodes.Status400BadRequest, "invalid_limit", $"limit must be an integer from 1 to {MaxLimit}");
        return false;
    }

    public static bool TryCursor(HttpRequest request, out long cursor, [NotNullWhen(false)] out ApiError? error)
    {
        error = null;
        cursor = 0;
        var text = request.Query["cursor"].FirstOrDefault();
        if (text is null || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            return true;
        }

        error = new ApiError(StatusCodes.Status400BadRequest, "invalid_cursor", "cursor must be an integer >= 0");
        return false;
    }
}
