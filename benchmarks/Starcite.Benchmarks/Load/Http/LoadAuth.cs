using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Starcite.Benchmarks.Load.Http;

/// <summary>
/// What <c>--auth</c> needs: a JWKS served on a loopback port (a bare HTTP responder, one key), and a service JWT
/// signed with that key (RS256, one hour). The server under load then runs with <c>STARCITE_AUTH_MODE=jwt</c>.
/// </summary>
internal sealed class LoadAuth : IAsyncDisposable
{
    public const string Issuer = "https://load.test/";
    public const string Audience = "starcite-load";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public LoadAuth()
    {
        _listener.Start();
        var p = _rsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "load-1", use = "sig", alg = "RS256", n = B64(p.Modulus!), e = B64(p.Exponent!) } } });
        var response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {jwks.Length}\r\nConnection: close\r\n\r\n{jwks}");
        _serving = Task.Run(() => ServeAsync(response));
        JwksUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/jwks.json";
    }

    public string JwksUrl { get; }

    /// <summary>The server settings of jwt mode against this JWKS.</summary>
    public Dictionary<string, string> ServerSettings() => new()
    {
        ["STARCITE_AUTH_MODE"] = "jwt",
        ["STARCITE_AUTH_JWKS_URL"] = JwksUrl,
        ["STARCITE_AUTH_JWT_ISSUER"] = Issuer,
        ["STARCITE_AUTH_JWT_AUDIENCE"] = Audience,
    };

    /// <summary>A service token valid for an hour.</summary>
    public string ServiceToken()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT", kid = "load-1" }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new { iss = Issuer, aud = Audience, sub = "service:load", iat = now, nbf = now - 5, exp = now + 3600 }));
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{B64(signature)}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _rsa.Dispose();
        _stop.Dispose();
    }

    /// <summary>Answers every connection with the JWKS, whatever it asked.</summary>
    private async Task ServeAsync(byte[] response)
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var read = 0;
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), _stop.Token) is var n and > 0)
            {
                read += n;
                if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
                {
                    break;
                }
            }

            await stream.WriteAsync(response, _stop.Token);
        }
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
