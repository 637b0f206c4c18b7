using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Starcite.Server.Errors;

namespace Starcite.Server.Contracts;

/// <summary>Reads a request body up to a limit and parses it as one JSON object.</summary>
internal static class RequestBody
{
    private static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    /// <summary>The parsed body (dispose it), or the contract error: 413 over the limit, 400 <c>invalid_json</c>.</summary>
    /// <remarks>A value task: a body that has fully arrived by the time it is read (most) completes without a task.</remarks>
    public static async ValueTask<(JsonBody? Body, ApiError? Error)> ReadObjectAsync(HttpRequest request, long limit, bool allowEmpty, CancellationToken cancellationToken)
    {
        var (read, error) = await ReadAsync(request, limit, CopyToPooled, cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        var (buffer, length) = read;
        try
        {
            if (length == 0)
            {
                return allowEmpty ? (new JsonBody(JsonDocument.Parse(EmptyObject), EmptyObject, null), null) : (null, ApiError.InvalidJson("The request body is empty; send a JSON object"));
            }

            // Parsed in place (a document over memory keeps no copy), so the body's JSON fields can be slices of it.
            var utf8 = buffer.AsMemory(0, length);
            var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                Release(buffer);
                return (null, ApiError.InvalidJson("The request body must be a JSON object"));
            }

            return (new JsonBody(document, utf8, buffer), null);
        }
        catch (JsonException ex)
        {
            Release(buffer);
            return (null, ApiError.InvalidJson($"The request body is not valid JSON: {ex.Message}"));
        }
    }

    /// <summary>The whole body as its own array, or 413 <c>payload_too_large</c> as soon as it passes the limit.</summary>
    public static ValueTask<(byte[]? Body, ApiError? Error)> ReadBytesAsync(HttpRequest request, long limit, CancellationToken cancellationToken) =>
        ReadAsync<byte[]?>(request, limit, static body => body.ToArray(), cancellationToken);

    /// <summary>Gives back a buffer <see cref="CopyToPooled"/> rented (an empty body rents none).</summary>
    public static void Release(byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (byte[] Buffer, int Length) CopyToPooled(ReadOnlySequence<byte> body)
    {
        var length = (int)body.Length;
        var buffer = length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length);
        body.CopyTo(buffer);
        return (buffer, length);
    }

    /// <summary>The whole body, copied out of the request pipe by <paramref name="copy"/>, or 413 as soon as it passes the limit.</summary>
    private static async ValueTask<(T Body, ApiError? Error)> ReadAsync<T>(HttpRequest request, long limit, Func<ReadOnlySequence<byte>, T> copy, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (default!, ApiError.PayloadTooLarge(limit));
        }

        var body = request.BodyReader;
        var held = Math.Min(limit, Array.MaxLength); // one array holds the body
        while (true)
        {
            ReadResult read;
            try
            {
                read = await body.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException ex)
            {
                return (default!, ApiError.From(ex)); // answered here, or the exception handler logs it as unhandled
            }
            catch (ConnectionResetException)
            {
                // The client went away mid-body: nobody will read an answer, and it is not the server's error. Abort the
                // connection so Kestrel does not try to drain the rest of the body, and answer with the status that
                // says so to the access log and metrics.
                request.HttpContext.Abort();
                return (default!, ApiError.ClientClosedRequest);
            }
            catch (IOException ex)
            {
                // Kestrel reports some broken chunked framing (a chunk size that overflows) as a plain IOException
                // rather than a BadHttpRequestException; it is the client's malformed body all the same.
                return (default!, ApiError.InvalidJson($"The request body cannot be read: {ex.Message}"));
            }

            if (read.Buffer.Length > held)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (default!, ApiError.PayloadTooLarge(limit));
            }

            if (!read.IsCompleted)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End); // keep everything; ask for more
                continue;
            }

            var copied = copy(read.Buffer);
            body.AdvanceTo(read.Buffer.End);
            return (copied, null);
        }
    }
}

/// <summary>
/// A request body parsed as a JSON object, over the UTF-8 it was read into. Its raw values, and so the request fields
/// parsed from it, are slices of that buffer: valid until it is disposed, which gives the buffer back.
/// </summary>
internal sealed class JsonBody(JsonDocument document, ReadOnlyMemory<byte> utf8, byte[]? pooled) : IDisposable
{
    private byte[]? _pooled = pooled;

    public JsonElement Root => document.RootElement;

    /// <summary>The body's UTF-8 text; the document's raw values are slices of it.</summary>
    public ReadOnlyMemory<byte> Utf8 => utf8;

    public void Dispose()
    {
        document.Dispose();
        if (_pooled is { } buffer)
        {
            _pooled = null; // a second Dispose must not return the buffer twice
            RequestBody.Release(buffer);
        }
    }
}
