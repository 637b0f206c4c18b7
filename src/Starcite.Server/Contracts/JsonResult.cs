using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Starcite.Server.Contracts;

/// <summary>
/// A response written straight to the body with a <see cref="Utf8JsonWriter"/>: stored JSON fields go out as raw
/// bytes, never re-serialised.
/// </summary>
internal sealed class JsonResult(int status, Action<Utf8JsonWriter> write, int? retryAfterSeconds = null) : IResult
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>A fixed-shape body through its source-generated serialiser.</summary>
    public static JsonResult Of<T>(int status, T body, JsonTypeInfo<T> type, int? retryAfterSeconds = null) =>
        new(status, writer => JsonSerializer.Serialize(writer, body, type), retryAfterSeconds);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, WriterOptions);
        write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
