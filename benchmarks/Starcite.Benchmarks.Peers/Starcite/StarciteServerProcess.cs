using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Starcite.Benchmarks.Peers.Starcite;

/// <summary>
/// The real Starcite.Server in a child process (<c>dotnet Starcite.Server.dll</c>, Release build) on a loopback port
/// the OS picks and a temporary data directory; ready once <c>/health/ready</c> answers 200.
/// </summary>
public sealed partial class StarciteServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private StarciteServerProcess(Process process, Uri address, string dataDirectory)
    {
        _process = process;
        Address = address;
        DataDirectory = dataDirectory;
    }

    public Uri Address { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the server built at <paramref name="serverDll"/> and waits until it is ready.</summary>
    public static async Task<StarciteServerProcess> StartAsync(string serverDll, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"build the server first: dotnet build -c Release src/Starcite.Server ({serverDll} is missing)", serverDll);
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), "starcite-peers", $"server-{Guid.NewGuid():N}");
        // Port 0: Kestrel binds a port the OS picks and logs it, so no port can be taken between choosing and binding.
        var start = new ProcessStartInfo("dotnet", [serverDll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        start.Environment["STARCITE_DATA_DIR"] = dataDirectory;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // For experiments with the server's runtime settings: PEER_SERVER_ENV="NAME=value;NAME=value".
        foreach (var pair in (Environment.GetEnvironmentVariable("PEER_SERVER_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            log.Enqueue(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        var server = default(StarciteServerProcess);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var exited = process.WaitForExitAsync(deadline.Token);
            var first = await Task.WhenAny(listening.Task, exited).ConfigureAwait(false);
            if (first != listening.Task)
            {
                throw new InvalidOperationException("Starcite.Server exited before listening:\n" + string.Join('\n', log));
            }

            server = new StarciteServerProcess(process, await listening.Task.ConfigureAwait(false), dataDirectory);
            using var http = StarciteHttpSystem.CreateHttpClient(server.Address);
            while (true)
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token).ConfigureAwait(false); // polling a condition, with a deadline
            }
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
            }

            throw;
        }
    }

    /// <summary>Stops the server (SIGTERM, so it checkpoints and closes; SIGKILL after 30 s) and deletes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process.Dispose();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
