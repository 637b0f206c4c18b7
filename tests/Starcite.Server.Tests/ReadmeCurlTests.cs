using System.Text;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

/// <summary>
/// The README's curl quick start, run line by line against a real server: each command's method, URL, headers and
/// body exactly as written (only the host is swapped for the test server's port), and each response compared with the
/// <c># {...}</c> line that follows it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReadmeCurlTests
{
    private const string ReadmeHost = "http://localhost:4000";

    [Fact]
    public async Task CurlQuickstart_RunVerbatim_SucceedsWithTheDocumentedResponses()
    {
        var lines = QuickstartLines();
        Assert.NotEmpty(lines);
        await using var server = await ServerHost.StartAsync();
        string? lastBody = null;
        var commands = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                Assert.Equal(line[2..], lastBody);
                continue;
            }

            var request = ToRequest(Tokenize(line), server.Client.BaseAddress!);
            var response = await server.Client.SendAsync(request, TestContext.Current.CancellationToken);
            lastBody = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"{line} -> {(int)response.StatusCode} {lastBody}");
            commands++;
        }

        Assert.Equal(4, commands);
        Assert.Contains("\"Reviewing clause 4.2...\"", lastBody, StringComparison.Ordinal);
    }

    private static List<string> QuickstartLines()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var start = Array.IndexOf(readme, "<!-- curl-quickstart -->");
        var end = Array.IndexOf(readme, "<!-- end-curl-quickstart -->");
        Assert.True(start >= 0 && end > start, "the curl quick start markers are missing from README.md");
        return [.. readme[(start + 1)..end].Where(line => line.StartsWith("curl ", StringComparison.Ordinal) || line.StartsWith("# ", StringComparison.Ordinal))];
    }

    /// <summary>The subset of curl the README uses: -X, -H, -d and one URL.</summary>
    private static HttpRequestMessage ToRequest(List<string> args, Uri server)
    {
        Assert.Equal("curl", args[0]);
        var method = HttpMethod.Get;
        string? url = null, body = null, contentType = null;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-X": method = new HttpMethod(args[++i]); break;
                case "-H" when args[i + 1].StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase): contentType = args[++i]["Content-Type:".Length..].Trim(); break;
                case "-d": body = args[++i]; if (method == HttpMethod.Get) { method = HttpMethod.Post; } break;
                default:
                    Assert.StartsWith(ReadmeHost, args[i]);
                    url = args[i];
                    break;
            }
        }

        var request = new HttpRequestMessage(method, new Uri(server, url![ReadmeHost.Length..]));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/x-www-form-urlencoded");
        }

        return request;
    }

    /// <summary>Splits a shell line into words, honouring single and double quotes.</summary>
    private static List<string> Tokenize(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Starcite.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Starcite.sln not found");
    }
}
