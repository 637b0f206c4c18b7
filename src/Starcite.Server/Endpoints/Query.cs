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

    /// <summary>At most this many <c>metadata[key]=value</c> filters: each is matched against every session scanned.</summary>
    public const int MaxMetadataFilters = 16;

    /// <summary>The longest key or value of a metadata filter.</summary>
    public const int MaxMetadataFilterLength = 256;

    /// <summary>The <c>metadata[key]=value</c> filters of a listing (contract §2), bounded in number and size.</summary>
    public static bool TryMetadataFilter(HttpRequest request, out Dictionary<string, string> filter, [NotNullWhen(false)] out ApiError? error)
    {
        error = null;
        filter = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            if (!key.StartsWith("metadata[", StringComparison.Ordinal) || !key.EndsWith(']') || key.Length <= "metadata[]".Length)
            {
                continue;
            }

            var name = key["metadata[".Length..^1];
            var value = values.ToString();
            if (filter.Count == MaxMetadataFilters || name.Length > MaxMetadataFilterLength || value.Length > MaxMetadataFilterLength)
            {
                error = new ApiError(StatusCodes.Status400BadRequest, "invalid_metadata",
                    $"A listing takes at most {MaxMetadataFilters} metadata filters, keys and values of at most {MaxMetadataFilterLength} characters");
                return false;
            }

            filter[name] = value;
        }

        return true;
    }
}
