using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>
/// A minimal in-memory S3 endpoint on a loopback port the OS picks: path-style PUT and GET of whole objects with their
/// <c>x-amz-meta-*</c> headers and an MD5 ETag, no signature checks. <see cref="TearNextGets"/> makes the next GETs of
/// a key come back the torn ways s3rver answers while it rewrites that object in place, which s3rver does only when
/// the timing happens to line up.
/// </summary>
public sealed class FakeS3Server : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Stored> _objects = new();
    private readonly ConcurrentDictionary<string, int> _gets = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Tear>> _tears = new();

    private FakeS3Server(WebApplication app)
    {
        _app = app;
        app.Run(HandleAsync);
    }

    /// <summary>A torn answer to a GET, as s3rver gives it when it serves an object from files a PUT is rewriting.</summary>
    public enum Tear
    {
        /// <summary>200 with <c>ETag: ""</c>: s3rver read the object's MD5 file between its truncation and its rewrite.</summary>
        EmptyETag,

        /// <summary>500 InternalError: s3rver could not parse the object's half-rewritten metadata file.</summary>
        InternalError,
    }

    /// <summary>The bucket this server holds; other paths get 404s.</summary>
    public static string Bucket => "fake-bucket";

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public string Url => _app.Urls.Single();

    public static async Task<FakeS3Server> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FakeS3Server(builder.Build());
        await server._app.StartAsync(TestContext.Current.CancellationToken);
        return server;
    }

    /// <summary>Answers the next <paramref name="count"/> GETs of <paramref name="key"/> with <paramref name="tear"/>.</summary>
    public void TearNextGets(string key, int count, Tear tear)
    {
        var queue = _tears.GetOrAdd(key, _ => new ConcurrentQueue<Tear>());
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue(tear);
        }
    }

    /// <summary>What S3 records for an object PUT without a Content-Type.</summary>
    private const string DefaultContentType = "binary/octet-stream";

    /// <summary>Stores <paramref name="data"/> under <paramref name="key"/> as a PUT without metadata would.</summary>
    public void Put(string key, byte[] data) => Store(key, data, DefaultContentType, []);

    /// <summary>GETs of <paramref name="key"/> answered so far, torn or not.</summary>
    public int Gets(string key) => _gets.GetValueOrDefault(key);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var path = Uri.UnescapeDataString(context.Request.Path.Value ?? string.Empty);
        var bucketPath = $"/{Bucket}/";
        if (!path.StartsWith(bucketPath, StringComparison.Ordinal))
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "NoSuchBucket");
            return;
        }

        var key = path[bucketPath.Length..];
        if (HttpMethods.IsPut(context.Request.Method))
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var metadata = context.Request.Headers.Where(h => h.Key.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
                .Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())).ToArray();
            context.Response.Headers.ETag = Store(key, body.ToArray(), context.Request.ContentType ?? DefaultContentType, metadata);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed");
            return;
        }

        _gets.AddOrUpdate(key, 1, (_, n) => n + 1);
        Tear? tear = _tears.TryGetValue(key, out var queue) && queue.TryDequeue(out var next) ? next : null;
        if (tear == Tear.InternalError)
        {
            await ErrorAsync(context, StatusCodes.Status500InternalServerError, "InternalError");
            return;
        }

        if (!_objects.TryGetValue(key, out var stored))
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "NoSuchKey");
            return;
        }

        context.Response.ContentType = stored.ContentType;
        context.Response.ContentLength = stored.Data.Length;
        context.Response.Headers.ETag = tear == Tear.EmptyETag ? "\"\"" : stored.ETag;
        foreach (var (name, value) in stored.Metadata)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.Body.WriteAsync(stored.Data, context.RequestAborted);
    }

    /// <summary>Keeps an object with its MD5 ETag; returns the ETag.</summary>
    private string Store(string key, byte[] data, string contentType, KeyValuePair<string, string>[] metadata)
    {
#pragma warning disable CA5351 // an S3 ETag is the MD5 of the body, by definition; nothing is secured with it
        var etag = $"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"";
#pragma warning restore CA5351
        _objects[key] = new Stored(data, contentType, metadata, etag);
        return etag;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>", context.RequestAborted);
    }

    private sealed record Stored(byte[] Data, string ContentType, KeyValuePair<string, string>[] Metadata, string ETag);
}
