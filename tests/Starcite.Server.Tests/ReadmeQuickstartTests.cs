using System.Diagnostics;
using System.Reflection;
using System.Text;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

/// <summary>
/// The README's quick start, run line by line against a real server: each curl command's method, URL, headers and
/// body exactly as written (only the host is swapped for the test server's port), the sample client's command with
/// the arguments written, and each output compared with the <c># ...</c> line that follows it (a prefix match when
/// that line ends with <c>...</c>).
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReadmeQuickstartTests
{
    private const string ReadmeHost = "http://localhost:4000";
    private const string ClientCommand = "dotnet run --project samples/Starcite.Samples.Client -- ";
    private static readonly string ClientDll = typeof(ReadmeQuickstartTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ClientSamplePath").Value!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Quickstart_RunVerbatim_SucceedsWithTheDocumentedOutput()
    {
        var lines = QuickstartLines();
        await using var server = await ServerHost.StartAsync();
        string? lastOutput = null;
        var commands = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                var expected = line[2..];
                Assert.NotNull(lastOutput);
                if (expected.EndsWith("...", StringComparison.Ordinal))
                {
                    Assert.StartsWith(expected[..^3], lastOutput);
                }
                else
                {
                    Assert.Equal(expected, lastOutput);
                }

                continue;
            }

            lastOutput = line.StartsWith(ClientCommand, StringComparison.Ordinal)
                ? await RunClientAsync(line[ClientCommand.Length..], server.BaseAddress)
                : await RunCurlAsync(line, server);
            commands++;
        }

        Assert.Equal(6, commands);
    }

    private static async Task<string> RunCurlAsync(string line, ServerHost server)
    {
        using var request = ToRequest(Tokenize(line), server.BaseAddress);
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{line} -> {(int)response.StatusCode}");
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            // A stream that never ends: its first line is what the README shows.
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
            return (await reader.ReadLineAsync(Ct))!;
        }

        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>Runs the client sample as built, with the README's arguments plus the test server's URL and a stop after one event.</summary>
    private static async Task<string> RunClientAsync(string arguments, Uri server)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ClientDll);
        foreach (var word in Tokenize(arguments).Concat(["--url", server.ToString().TrimEnd('/'), "--count", "1"]))
        {
            start.ArgumentList.Add(word);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync(timeout.Token));
        return output.TrimEnd('\n');
    }

    private static List<string> QuickstartLines()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var start = Array.IndexOf(readme, "<!-- curl-quickstart -->");
        var end = Array.IndexOf(readme, "<!-- end-curl-quickstart -->");
        Assert.True(start >= 0 && end > start, "the quick start markers are missing from README.md");
        return [.. readme[(start + 1)..end].Where(line => line.StartsWith("curl ", StringComparison.Ordinal)
            || line.StartsWith(ClientCommand, StringComparison.Ordinal) || line.StartsWith("# ", StringComparison.Ordinal))];
    }

    /// <summary>The subset of curl the README uses: -X, -H, -d, -N and one URL.</summary>
    private static HttpRequestMessage ToRequest(List<string> args, Uri server)
    {
        Assert.Equal("curl", args[0]);
        var method = HttpMethod.Get;
        string? url = null, body = null, contentType = null;
        var headers = new List<(string Name, string Value)>();
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-X": method = new HttpMethod(args[++i]); break;
                case "-N": break; // no output buffering: nothing to do for a test client
                case "-H":
                    var header = args[++i].Split(':', 2);
                    if (header[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        contentType = header[1].Trim();
                    }
                    else
                    {
                        headers.Add((header[0].Trim(), header[1].Trim()));
                    }

                    break;
                case "-d": body = args[++i]; if (method == HttpMethod.Get) { method = HttpMethod.Post; } break;
                default:
                    Assert.StartsWith(ReadmeHost, args[i]);
                    url = args[i];
                    break;
            }
        }

        var request = new HttpRequestMessage(method, new Uri(server, url![ReadmeHost.Length..]));
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

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
