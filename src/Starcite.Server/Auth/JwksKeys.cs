using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Starcite.Server.Auth;

/// <summary>
/// The service JWT signing keys from <see cref="AuthOptions.JwksUrl"/>, cached. They are fetched at start, again every
/// <see cref="AuthOptions.JwksRefreshInterval"/>, and on demand when a token names an unknown <c>kid</c> (a rotated-in
/// key), but at most once per <see cref="AuthOptions.JwksMinRefreshInterval"/> so forged <c>kid</c>s cannot turn into
/// a flood of requests to the key server. A failed refresh keeps the keys already known.
/// </summary>
internal sealed class JwksKeys : IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> that fetches the keys.</summary>
    public const string HttpClientName = "Starcite.Jwks";

    /// <summary>A JWKS larger than this is refused: a handful of keys takes a few KiB.</summary>
    public const int MaxDocumentBytes = 1 << 20;

    private readonly IHttpClientFactory _httpClients;
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _redactedUrl;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private volatile JwksKeySet? _keys;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private bool _lastAttemptFailed;
    private Task _refresh = Task.CompletedTask;
    private ITimer? _timer;

    public JwksKeys(IHttpClientFactory httpClients, IOptions<AuthOptions> options, AuthClock clock, ILoggerFactory loggerFactory)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _time = clock.Time;
        _logger = loggerFactory.CreateLogger("Starcite.Server.Auth");
        _redactedUrl = AuthLog.Redact(_options.JwksUrl);
    }

    /// <summary>Raised after a refresh brought different key material (a key added, rotated out or replaced).</summary>
    public event Action? KeysChanged;

    /// <summary>The key with this <c>kid</c> among the keys known now; the JWT handler's key resolver.</summary>
    public SecurityKey? Find(string kid) => _keys?.Find(kid);

    /// <summary>Starts the first fetch and the periodic refresh.</summary>
    public void Start()
    {
        lock (_gate)
        {
            StartRefreshLocked();
            _timer ??= _time.CreateTimer(static state => ((JwksKeys)state!).OnTimer(), this, _options.JwksRefreshInterval, _options.JwksRefreshInterval);
        }
    }

    /// <summary>The signing key named <paramref name="kid"/>: known already, or fetched now if the throttle allows.</summary>
    public async ValueTask<KeyLookup> GetAsync(string kid, CancellationToken cancellationToken)
    {
        if (Find(kid) is { } known)
        {
            return KeyLookup.Found(known);
        }

        Task? refresh;
        lock (_gate)
        {
            refresh = !_refresh.IsCompleted || _time.GetUtcNow() - _lastAttempt >= _options.JwksMinRefreshInterval ? StartRefreshLocked() : null;
        }

        if (refresh is not null)
        {
            await refresh.WaitAsync(cancellationToken);
        }

        if (Find(kid) is { } fetched)
        {
            return KeyLookup.Found(fetched);
        }

        lock (_gate)
        {
            // Without keys, or with a key server that just failed, an unknown kid may well be a valid new key: that is
            // an outage (503, retry later), not a bad token.
            if (_keys is null || _lastAttemptFailed)
            {
                var wait = _options.JwksMinRefreshInterval - (_time.GetUtcNow() - _lastAttempt);
                return KeyLookup.Unavailable(Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
            }
        }

        return KeyLookup.Unknown;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_refresh.IsCompleted)
            {
                StartRefreshLocked();
            }
        }
    }

    /// <summary>One refresh at a time: a caller that arrives while one runs waits for it rather than starting another.</summary>
    private Task StartRefreshLocked()
    {
        if (!_refresh.IsCompleted)
        {
            return _refresh;
        }

        _lastAttempt = _time.GetUtcNow();
        _refresh = Task.Run(RefreshAsync);
        return _refresh;
    }

    private async Task RefreshAsync()
    {
        try
        {
            var keys = JwksKeySet.Parse(await FetchAsync());
            var changed = _keys?.Fingerprint != keys.Fingerprint;
            _keys = keys;
            lock (_gate)
            {
                _lastAttemptFailed = false;
            }

            if (changed)
            {
                AuthLog.JwksFetched(_logger, keys.Count, keys.Skipped, _redactedUrl);
                KeysChanged?.Invoke();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or FormatException or IOException or InvalidDataException
                                       or ObjectDisposedException)
        {
            if (ex is ObjectDisposedException || _disposed.IsCancellationRequested)
            {
                return;
            }

            lock (_gate)
            {
                _lastAttemptFailed = true;
            }

            var reason = ex is OperationCanceledException ? $"no answer within {_options.JwksTimeout}" : ex.Message;
            AuthLog.JwksFetchFailed(_logger, _redactedUrl, reason, _keys is null
                ? "service tokens get 503 unavailable until a fetch succeeds"
                : $"the {_keys.Count} key(s) fetched before stay in use");
        }
    }

    private async Task<string> FetchAsync()
    {
        using var timeout = new CancellationTokenSource(_options.JwksTimeout, _time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _disposed.Token);
        var client = _httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, _options.JwksUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength > MaxDocumentBytes)
        {
            throw new InvalidDataException($"the JWKS is larger than {MaxDocumentBytes} bytes");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel.Token)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
            {
                throw new InvalidDataException($"the JWKS is larger than {MaxDocumentBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("the JWKS is not UTF-8", ex);
        }
    }
}

/// <summary>The outcome of <see cref="JwksKeys.GetAsync"/>.</summary>
internal readonly record struct KeyLookup(SecurityKey? Key, bool IsUnavailable, int RetryAfterSeconds)
{
    public static readonly KeyLookup Unknown = new(null, false, 0);

    public static KeyLookup Found(SecurityKey key) => new(key, false, 0);

    public static KeyLookup Unavailable(int retryAfterSeconds) => new(null, true, retryAfterSeconds);
}
