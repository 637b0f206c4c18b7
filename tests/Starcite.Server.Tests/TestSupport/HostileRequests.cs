using System.Text;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>One generated request: through HttpClient, or as raw bytes when HttpClient would not send it.</summary>
public sealed record HostileRequest(string Method, string Path, byte[]? Body, string? ContentType, List<(string Name, string Value)> Headers, byte[]? Raw)
{
    public string Describe()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 200)));
        var raw = Raw is null ? "" : " raw: " + Encoding.Latin1.GetString(Raw.AsSpan(0, Math.Min(Raw.Length, 200)));
        return $"{Method} {Path[..Math.Min(Path.Length, 200)]} [{string.Join("; ", Headers.Select(h => $"{h.Name}: {h.Value[..Math.Min(h.Value.Length, 60)]}"))}] {body}{raw}";
    }

    /// <summary>The request as the bytes of one HTTP/1.1 request on its own connection (what HttpClient sends).</summary>
    public byte[] ToHttp(string host)
    {
        var head = new StringBuilder($"{Method} {Path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (Body is not null)
        {
            head.Append(ContentType is null ? "" : $"Content-Type: {ContentType}\r\n").Append("Content-Length: ").Append(Body.Length).Append("\r\n");
        }

        return [.. Encoding.Latin1.GetBytes(head.Append("\r\n").ToString()), .. Body ?? []];
    }
}

/// <summary>
/// Generates hostile requests from a seeded <see cref="Random"/>. Every append or create aimed at the existing session
/// <c>ses_a</c> breaks at least one rule by construction, so a test can demand that <c>ses_a</c> never changes; other
/// requests are free to be accidentally valid (they touch other sessions).
/// </summary>
public sealed class HostileRequests(Random random, string[]? tokens)
{
    private static readonly string[] Ids =
    [
        "ses_a", "ses_missing", "..", "..%2F..%2Fetc%2Fpasswd", "%00", "ses_a%00", "ses_a%2F..", "ses%20a", "%F0%9F%98%80", "%C0%AE%C0%AE",
        new string('x', 129), new string('y', 5000), "ses_a;drop", "ses_a%252F", "-leading", "ses_a/", "%ZZ",
    ];

    private static readonly string[] Breakers = ["truncate", "wrong type", "oversized", "deep", "bad utf8", "surrogate", "huge number", "missing", "not object", "garbage", "bad seq"];

    public HostileRequest Next() => random.Next(20) switch
    {
        0 => RawRequest(),
        < 8 => Append(),
        < 11 => Create(),
        < 13 => Issue(),
        < 17 => Read(),
        _ => Odd(),
    };

    private HostileRequest Append()
    {
        var id = random.Next(4) == 0 ? Pick(Ids) : "ses_a";
        var body = Break(ValidAppend());
        return Request("POST", $"/v1/sessions/{id}/append", body);
    }

    private HostileRequest Create()
    {
        var id = random.Next(3) == 0 ? Pick(Ids) : $"ses_fz{random.Next(1000)}";
        var valid = $$$"""{"id":"{{{id}}}","title":"t","metadata":{"tenant_id":"acme"},"creator_principal":{"tenant_id":"acme","id":"u1","type":"user"}}""";
        return Request("POST", "/v1/sessions", random.Next(4) == 0 ? Encoding.UTF8.GetBytes(valid) : Break(valid));
    }

    private HostileRequest Issue()
    {
        const string valid = """{"principal":{"tenant_id":"acme","id":"u1","type":"agent"},"scopes":["session:read"],"session_ids":["ses_a"],"ttl_seconds":60}""";
        return Request("POST", "/v1/auth/issue", random.Next(5) == 0 ? Encoding.UTF8.GetBytes(valid) : Break(valid));
    }

    private HostileRequest Read()
    {
        var id = Pick(Ids);
        var query = string.Join('&', Enumerable.Range(0, random.Next(4)).Select(_ => Pick(
        [
            "cursor=-1", "cursor=99999999999999999999", "cursor=1e3", "cursor=%00", "cursor=", "cursor=0", "cursor=2", "limit=0", "limit=1001",
            "limit=abc", "limit=-1", "limit=9223372036854775808", "batch_size=0", "batch_size=99999", "metadata[tenant_id]=acme", "metadata[=x",
            "metadata[a][b]=c", $"metadata[{new string('k', 300)}]=v", "access_token=abc", "access_token=", "cursor=1&cursor=2", "%ZZ=1",
        ])));
        var path = Pick([$"/v1/sessions/{id}", $"/v1/sessions/{id}/events", $"/v1/sessions/{id}/tail", "/v1/sessions"]) + (query.Length > 0 ? "?" + query : "");
        var request = Request(random.Next(10) == 0 ? Pick(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]) : "GET", path, null);
        if (path.Contains("/tail", StringComparison.Ordinal) && random.Next(2) == 0)
        {
            request.Headers.Add(("Accept", Pick(["text/event-stream", "text/event-stream;q=0", "*/*", "text/event-stream, application/json", "\u007f"])));
            if (random.Next(2) == 0)
            {
                request.Headers.Add(("Last-Event-ID", Pick(["-1", "abc", "99999999999999999999", "1", "\t", "0x10"])));
            }
        }

        return request;
    }

    private HostileRequest Odd()
    {
        var path = Pick(["/", "/v1", "/v1/", "/v1/sessions/", "/v1//sessions", "/v1/sessions/ses_a/append/x", "/v1/auth", "/v1/auth/issue/..", "/health/../v1/sessions",
            "/%2e%2e/v1/sessions", "/v1/sessions/ses_a/../ses_a/append", "/metrics?x=" + new string('m', 3000), "/v1/sessions?" + string.Join('&', Enumerable.Range(0, 200).Select(i => $"metadata[k{i}]=v"))]);
        return Request(Pick(["GET", "POST", "PUT"]), path, random.Next(2) == 0 ? Break(ValidAppend()) : null);
    }

    /// <summary>A raw request: non-ASCII or control bytes in headers, WebSocket upgrades with odd origins and tokens.</summary>
    private HostileRequest RawRequest()
    {
        var target = Pick(["/v1/sessions/ses_a/tail?cursor=0", "/v1/sessions/ses_a/tail?cursor=0&access_token=" + Token(), "/v1/sessions", "/v1/sessions/ses_a"]);
        var head = new StringBuilder($"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        if (random.Next(2) == 0)
        {
            head.Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: ").Append(Pick(["13", "8", "x"]))
                .Append("\r\nSec-WebSocket-Key: ").Append(Pick(["dGhlIHNhbXBsZSBub25jZQ==", "", "short"])).Append("\r\n");
        }

        if (random.Next(2) == 0)
        {
            head.Append("Origin: ").Append(Pick(["https://evil.example.com", "null", "file://", "http://localhost", "https://\u00e9vil.com"])).Append("\r\n");
        }

        if (random.Next(2) == 0)
        {
            head.Append("Authorization: ").Append(Pick(["Bearer \u00ff\u00fe", "Bearer " + Token(), "Basic x", "Bearer\t" + Token()])).Append("\r\n");
        }

        return new HostileRequest("RAW", target, null, null, [], Encoding.Latin1.GetBytes(head.Append("\r\n").ToString()));
    }

    private HostileRequest Request(string method, string path, byte[]? body)
    {
        var headers = new List<(string, string)>();
        var auth = random.Next(6);
        if (tokens is not null && auth > 0)
        {
            headers.Add(("Authorization", auth switch
            {
                1 => "Bearer " + Token(),
                2 => "Bearer " + tokens[random.Next(tokens.Length)],
                3 => "Bearer " + Mangle(tokens[random.Next(tokens.Length)]),
                4 => Pick(["Bearer", "Basic dXNlcjpwYXNz", "Bearer a b", "Bearer " + new string('a', 9000), "bearer  " + tokens[0] + " ", "Bearer ,"]),
                _ => "Bearer " + tokens[random.Next(tokens.Length)],
            }));
        }
        else if (random.Next(8) == 0)
        {
            headers.Add(("Authorization", "Bearer " + Token()));
        }

        if (random.Next(10) == 0)
        {
            headers.Add(("Origin", Pick(["https://evil.example.com", "null", "http://[::1]:1"])));
        }

        var contentType = random.Next(6) == 0 ? Pick(["text/plain", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "", "application/json;;"]) : "application/json";
        return new HostileRequest(method, path, body, contentType, headers, null);
    }

    private string ValidAppend() =>
        $$$"""{"type":"content","payload":{"text":"hi","n":{{{random.Next(100)}}}},"actor":"agent:fuzz","producer_id":"p1","producer_seq":{{{random.Next(1, 10)}}},"metadata":{},"refs":{}}""";

    /// <summary>Breaks <paramref name="json"/> so that it cannot be a valid request, in one of many ways.</summary>
    private byte[] Break(string json)
    {
        var how = Pick(Breakers);
        var text = how switch
        {
            "truncate" => json[..random.Next(1, json.Length - 1)],
            "wrong type" => WrongType(json),
            "oversized" => json.Replace("\"content\"", "\"" + new string('t', 257 + random.Next(100_000)) + "\"", StringComparison.Ordinal)
                .Replace("\"p1\"", "\"" + new string('p', 257) + "\"", StringComparison.Ordinal).Replace("\"acme\"", "\"" + new string('a', 300) + "\"", StringComparison.Ordinal)
                + (random.Next(8) == 0 ? new string(' ', (1 << 20) + 1) : ""),
            "deep" => json.Replace("{\"text\"", string.Concat(Enumerable.Repeat("{\"a\":", 65 + random.Next(2000))) + "{\"text\"", StringComparison.Ordinal)
                .Replace("\"hi\"", "[" + new string('[', 70) + new string(']', 70) + "]", StringComparison.Ordinal) is var deep && deep == json ? "[" + new string('[', 5000) : deep,
            "bad utf8" => null,
            "surrogate" => json.Replace("content", "\\uD800", StringComparison.Ordinal).Replace("u1", "\\uDC00", StringComparison.Ordinal).Replace("acme", "a\\uD83D", StringComparison.Ordinal)
                .Replace("ses_a", "\\uDFFF", StringComparison.Ordinal) is var s && s == json ? json + "\\uD800" : s,
            "huge number" => Regex.Replace(json, "\"(producer_seq|ttl_seconds)\":\\s*\\d+", m => $"\"{m.Groups[1].Value}\":{Pick(["1e400", "-9223372036854775809", "9223372036854775808", "1.5", "-0", "0", "\"1e3\"", new string('9', 400)])}")
                is var h && h == json ? json[..^1] + ",\"type\":1e99999}" : h,
            "missing" => Regex.Replace(json, "\"(type|payload|producer_id|producer_seq|principal|scopes)\":", "\"x_$1\":"),
            "not object" => Pick(["[]", "\"str\"", "42", "null", "true", "[" + json + "]"]),
            "garbage" => null,
            _ => json.Replace("\"producer_seq\":", "\"producer_seq\":-", StringComparison.Ordinal) is var b && b == json ? json + "}" : b,
        };

        if (how == "bad utf8")
        {
            var bytes = Encoding.UTF8.GetBytes(json).ToList();
            bytes.InsertRange(json.IndexOf('"', 2) + 1, Pick<byte[]>([[0xFF], [0xC0, 0xAE], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]]));
            return [.. bytes];
        }

        if (how == "garbage")
        {
            var bytes = new byte[random.Next(1, 512)];
            random.NextBytes(bytes);
            bytes[0] = 0xFF; // never a JSON object
            return bytes;
        }

        return Encoding.UTF8.GetBytes(text!);
    }

    /// <summary>A required field of another kind; only fields the body has are picked (a duplicate key would be ambiguous).</summary>
    private string WrongType(string json)
    {
        (string What, string With)[] swaps =
        [
            ("\"type\":\"content\"", "\"type\":[]"), ("\"payload\":{", "\"payload\":\"x\",\"zz\":{"), ("\"producer_seq\":", "\"producer_seq\":true,\"zz\":"),
            ("\"principal\":{", "\"principal\":7,\"zz\":{"), ("\"scopes\":[", "\"scopes\":{\"a\":["), ("\"id\":\"", "\"id\":[\""), ("\"metadata\":{", "\"metadata\":[{"),
        ];
        var present = swaps.Where(s => json.Contains(s.What, StringComparison.Ordinal)).ToArray();
        var (what, with) = Pick(present);
        return json.Replace(what, with, StringComparison.Ordinal);
    }

    private string Token()
    {
        var parts = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        return Pick(["eyJhbGciOiJub25lIn0.e30.", "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.e30.x", string.Join('.', parts)]);
    }

    private string Mangle(string token)
    {
        var chars = token.ToCharArray();
        chars[random.Next(chars.Length)] = Pick(['A', 'x', '.', '-', '_']);
        return random.Next(3) == 0 ? token[..random.Next(1, token.Length)] : new string(chars);
    }

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];

    private static class Regex
    {
        public static string Replace(string input, string pattern, string replacement) =>
            System.Text.RegularExpressions.Regex.Replace(input, pattern, replacement, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

        public static string Replace(string input, string pattern, System.Text.RegularExpressions.MatchEvaluator evaluator) =>
            System.Text.RegularExpressions.Regex.Replace(input, pattern, evaluator, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
    }
}
