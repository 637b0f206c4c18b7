using Microsoft.Extensions.Logging;

namespace Starcite.Tests.TestSupport;

/// <summary>One captured log message.</summary>
public sealed record CapturedLog(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    IReadOnlyDictionary<string, object?> Values,
    Exception? Exception)
{
    /// <summary>A structured value as a long (for example <c>ReplayedRecords</c>).</summary>
    public long Number(string name) => Convert.ToInt64(Values[name], System.Globalization.CultureInfo.InvariantCulture);
}
