using System.Globalization;
using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Archive.S3.Diagnostics;
using Starcite.Archive.S3.Internal;
using Starcite.Archive.S3.Layout;

namespace Starcite.Archive.S3;

/// <summary>
/// An <see cref="IArchiveStore"/> on S3-compatible object storage (AWSSDK.S3): each session's events in chunk objects
/// of a fixed seq range with deterministic keys, and one record object per session. Object layout:
/// docs/archive-layout.md.
/// </summary>
/// <remarks>
/// <para><b>Idempotent by construction.</b> A chunk's key follows from its seq range and its bytes from its events,
/// so a retried or overlapping write stores the same bytes again; no conditional request is needed (many
/// S3-compatible servers ignore them). A partial chunk grows by rewriting it merged with what it already holds; the
/// last chunk of each recently written session is cached, which spares a GET before extending it.</para>
/// <para><b>Single writer.</b> Writes of one store are serialised. The cache assumes this store is the only writer of
/// its prefix, as the leader-only archiver guarantees; it is used only for writes that continue where this store's
/// previous write ended.</para>
/// <para><b>Writes.</b> Every chunk is stored before any session record, so a record never claims events that are not
/// there. A failed write throws; some of its objects may then be stored, and a retry completes them.</para>
/// <para><b>Wire settings.</b> Uploads are plain signed PUTs of seekable buffers (no aws-chunked encoding), checksums
/// only where required, and empty SDK collections handled as null, the settings S3-compatible servers need.</para>
/// </remarks>
public sealed partial class S3ArchiveStore : IArchiveStore, IAsyncDisposable, IDisposable
{
    private const string NoSuchKey = "NoSuchKey";

    /// <summary>User metadata holding the body length, so a read of an object replaced meanwhile is detected.</summary>
    private const string LengthMetadata = "starcite-length";

    /// <summary>Reads of an object that keeps coming back torn before the read fails (see <see cref="GetParsedAsync{T}"/>).</summary>
    internal const int ReadAttempts = 10;

    /// <summary>The ceiling of the first wait before re-reading a torn object; it doubles each time, up to <see cref="MaxTornReadBackoff"/>.</summary>
    internal static readonly TimeSpan FirstTornReadBackoff = TimeSpan.FromMilliseconds(20);

    internal static readonly TimeSpan MaxTornReadBackoff = TimeSpan.FromSeconds(1);

    private readonly AmazonS3Client _client;
    private readonly S3ArchiveOptions _options;
    private readonly ObjectKeys _keys;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _initializeLock = new(1, 1);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly LruCache<string, Chunk> _lastWritten;
    private readonly ChunkFetcher _fetcher;
    private volatile int _eventsPerChunk; // 0 until the layout was read or created

    /// <summary>Creates a store; it reads or creates the prefix's layout on first use (or <see cref="InitializeAsync"/>).</summary>
    /// <param name="options">Bucket, endpoint, credentials, prefix and tuning.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="timeProvider">The clock of the short waits before re-reading a torn object; the system clock when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">Some option is invalid.</exception>
    public S3ArchiveStore(S3ArchiveOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        S3ArchiveOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<S3ArchiveStore>();
        _keys = new ObjectKeys(options.Prefix ?? string.Empty);
        _lastWritten = new LruCache<string, Chunk>(options.WriteCacheBytes, c => c.Footprint);
        _fetcher = new ChunkFetcher(FetchChunkAsync, options.ReadCacheBytes, options.MaxConcurrency);
        _client = CreateClient(options);
        S3ArchiveLog.Opened(_logger, options.Bucket, options.Endpoint ?? "AWS", options.Region, options.ForcePathStyle, _keys.Prefix,
            options.AccessKeyId is null ? "default chain" : $"access key {options.AccessKeyId}", options.RequestTimeout,
            options.MaxErrorRetry, options.MaxConcurrency);
    }

    /// <summary>Reads the prefix's layout (chunk size), creating it on the first use of the prefix; does nothing once it succeeded.</summary>
    /// <param name="cancellationToken">Cancels the initialization; a later call tries again.</param>
    /// <returns>Completes when the layout is known.</returns>
    /// <exception cref="AmazonS3Exception">The bucket is missing or refused the request.</exception>
    /// <exception cref="InvalidDataException">The prefix holds a <c>layout.json</c> that is not a Starcite layout.</exception>
    /// <exception cref="IOException">An object kept coming back torn or unreadable on every attempt (a server that rewrites objects in place while they are written, or a broken connection).</exception>
    /// <exception cref="InvalidOperationException">The layout was created by a newer version of this package.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_eventsPerChunk != 0)
        {
            return;
        }

        await _initializeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_eventsPerChunk != 0)
            {
                return;
            }

            var stored = await GetParsedAsync(_keys.Layout, data => LayoutManifest.Parse(data, _keys.Layout), cancellationToken)
                .ConfigureAwait(false);
            if (stored is null)
            {
                var manifest = new LayoutManifest(LayoutManifest.CurrentVersion, _options.EventsPerChunk);
                await PutObjectAsync(_keys.Layout, manifest.ToBytes(), "application/json", cancellationToken).ConfigureAwait(false);
                S3ArchiveLog.LayoutCreated(_logger, _keys.Layout, manifest.EventsPerChunk);
                _eventsPerChunk = manifest.EventsPerChunk;
            }
            else
            {
                if (stored.EventsPerChunk != _options.EventsPerChunk)
                {
                    S3ArchiveLog.ChunkSizeFromLayout(_logger, _keys.Layout, stored.EventsPerChunk, _options.EventsPerChunk);
                }

                _eventsPerChunk = stored.EventsPerChunk;
            }
        }
        finally
        {
            _initializeLock.Release();
        }
    }

    /// <summary>Stops read-ahead and closes the S3 client.</summary>
    /// <returns>Completes when background fetches have ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await _fetcher.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
        _initializeLock.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Stops read-ahead and closes the S3 client, without waiting for background fetches.</summary>
    public void Dispose()
    {
        _ = _fetcher.DisposeAsync().AsTask();
        _client.Dispose();
        _initializeLock.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>The events per chunk of this prefix (after initialization); for tests and tools.</summary>
    internal int EventsPerChunk => _eventsPerChunk;

    internal ObjectKeys Keys => _keys;

    private static AmazonS3Client CreateClient(S3ArchiveOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,

            // Checksums only where S3 requires them: the SDK's defaults add headers and trailers that S3-compatible
            // servers mishandle, and SigV4 already signs each payload's SHA-256.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,

            // The SDK's default timeout is practically infinite; a dead endpoint must fail a call, not hang it.
            Timeout = options.RequestTimeout,
            MaxErrorRetry = options.MaxErrorRetry,
        };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return options.AccessKeyId is { Length: > 0 } accessKeyId
            ? new AmazonS3Client(new BasicAWSCredentials(accessKeyId, options.SecretAccessKey), config)
            : new AmazonS3Client(config);
    }

    private async ValueTask<int> EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_eventsPerChunk == 0)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return _eventsPerChunk;
    }

    /// <summary>
    /// Reads and parses an object; null when the key does not exist (a missing bucket still throws). A response that
    /// comes back torn is read again: S3 replaces objects atomically, but some S3-compatible servers (s3rver among
    /// them) rewrite the object's files in place, so a GET that overlaps a PUT of the same key can get half of it, or
    /// headers of one version and the body of another.
    /// </summary>
    /// <remarks>
    /// One rewrite is over in milliseconds, but a writer extending the same chunk again and again can overlap several
    /// reads in a row, so the waits grow exponentially up to <see cref="MaxTornReadBackoff"/>: the last attempts come
    /// seconds after the first, when a burst of writes to one chunk is over. Each wait is jittered between half and all
    /// of its ceiling, so retries do not fall into step with a writer that rewrites the key at a steady pace. An
    /// object still torn then fails the call with an <see cref="IOException"/> naming the key and the last error.
    /// </remarks>
    private async Task<T?> GetParsedAsync<T>(string key, Func<byte[], T> parse, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            byte[]? data;
            try
            {
                data = await GetObjectAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTornRead(e) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt == ReadAttempts)
                {
                    throw new IOException($"Object {key} came back torn on {ReadAttempts} reads in a row (the server kept replacing it, or " +
                        $"answers with malformed responses); the last: {e.GetType().Name}: {e.Message}", e);
                }

                S3ArchiveLog.TornRead(_logger, key, attempt, e);
                await Task.Delay(TornReadBackoff(attempt), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // The body came back whole: the SDK checked it against its MD5 ETag when the response was disposed, and
            // GetObjectAsync its length against the upload's. If it does not parse, it is stored that way (corrupt),
            // and reading it again would only delay the error.
            return data is null ? null : parse(data);
        }
    }

    /// <summary>The wait after the <paramref name="attempt"/>th torn read: between half and all of a doubling ceiling.</summary>
    internal static TimeSpan TornReadBackoff(int attempt)
    {
        var ceiling = FirstTornReadBackoff * Math.Pow(2, attempt - 1);
        ceiling = ceiling < MaxTornReadBackoff ? ceiling : MaxTornReadBackoff;
        return ceiling * (0.5 + (Random.Shared.NextDouble() / 2));
    }

    // What a GET overlapping an in-place rewrite gets on s3rver, which serves an object from three files (body, MD5,
    // metadata) that a PUT truncates and rewrites one after the other:
    // - IOException: the body ended early (the file was truncated after its size was sent), or its length differs
    //   from the upload's (the metadata file of another version).
    // - AmazonClientException (client side): the SDK's MD5 check of the body against the ETag failed.
    // - ArgumentException, FormatException: the SDK could not parse the ETag into an MD5 (AmazonS3ResponseHandler,
    //   AWSSDKUtils.HexStringToBytes); s3rver sends ETag "" when it reads the MD5 file between truncate and write.
    // - AmazonUnmarshallingException: the SDK could not make sense of other headers.
    // - AmazonS3Exception 500 InternalError: s3rver failed to parse the half-written metadata file; the SDK's own
    //   retries (MaxErrorRetry) may all land in the same rewrite.
    // Other errors the server reported are not torn reads; the SDK has already retried those it could.
    private static bool IsTornRead(Exception e) =>
        e is IOException or ArgumentException or FormatException or AmazonUnmarshallingException
        || e is AmazonServiceException { StatusCode: HttpStatusCode.InternalServerError }
        || (e is AmazonClientException && e is not AmazonServiceException);

    private async Task<byte[]?> GetObjectAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            if (response.ContentLength < 0 || response.ContentLength > Array.MaxLength)
            {
                throw new IOException($"Object {key} came back with an unusable length {response.ContentLength}.");
            }

            var data = new byte[response.ContentLength];
            await response.ResponseStream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
            if (response.Metadata[LengthMetadata] is { } recorded && recorded != data.Length.ToString(CultureInfo.InvariantCulture))
            {
                throw new IOException($"Object {key} came back with {data.Length} bytes, but {recorded} were uploaded: it changed while it was read.");
            }

            return data;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == NoSuchKey)
        {
            return null;
        }
    }

    private Task<PutObjectResponse> PutObjectAsync(string key, byte[] data, string contentType, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,

            // Seekable, with chunk encoding off: otherwise the SDK sends aws-chunked framing, which S3-compatible
            // servers such as s3rver store verbatim as the object (a 200 with corrupted content).
            InputStream = new MemoryStream(data, writable: false),
            UseChunkEncoding = false,
            ContentType = contentType,
        };
        request.Metadata.Add(LengthMetadata, data.Length.ToString(CultureInfo.InvariantCulture));
        return _client.PutObjectAsync(request, cancellationToken);
    }

    private Task<Chunk?> FetchChunkAsync(string sessionId, long index, CancellationToken cancellationToken)
    {
        var size = _eventsPerChunk;
        var key = _keys.Chunk(sessionId, (index * size) + 1);
        return GetParsedAsync(key, data => Chunk.Parse(data, index, size, key), cancellationToken)!;
    }
}
