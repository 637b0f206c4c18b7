using System.Buffers;
using System.Text.Json;
using Starcite.Server.Errors;

namespace Starcite.Server.Contracts;

/// <summary>Reads a request body up to a limit and parses it as one JSON object.</summary>
internal static class RequestBody
{
    /// <summary>The parsed body (dispose it), or the contract error: 413 over the limit, 400 <c>invalid_json</c>.</summary>
    public static async Task<(JsonDocument? Document, ApiError? Error)> ReadObjectAsync(HttpRequest request, long limit, bool allowEmpty, CancellationToken cancellationToken)
    {
        var (bytes, error) = await ReadBytesAsync(request, limit, cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        try
        {
            if (bytes!.Length == 0)
            {
                return allowEmpty ? (JsonDocument.Parse("{}"u8.ToArray()), null) : (null, ApiError.InvalidJson("The request body is empty; send a JSON object"));
            }

            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, ApiError.InvalidJson("The request body must be a JSON object"));
            }

            return (document, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiError.InvalidJson($"The request body is not valid JSON: {ex.Message}"));
        }
    }

    /// <summary>The whole body, or 413 <c>payload_too_large</c> as soon as it passes the limit.</summary>
    public static async Task<(byte[]? Body, ApiError? Error)> ReadBytesAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, ApiError.PayloadTooLarge(limit));
        }

        var body = request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            if (read.Buffer.Length > limit)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (null, ApiError.PayloadTooLarge(limit));
            }

            if (!read.IsCompleted)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End); // keep everything; ask for more
                continue;
            }

            var bytes = read.Buffer.ToArray();
            body.AdvanceTo(read.Buffer.End);
            return (bytes, null);
        }
    }
}
