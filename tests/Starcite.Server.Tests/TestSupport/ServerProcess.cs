using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>
/// Starcite.Server as a real child process (<c>dotnet Starcite.Server.dll</c>) on an OS-assigned loopback port, for
/// restarts, SIGTERM and SIGKILL. Shared with the load tool, so it depends on nothing but the BCL.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The server's dll, recorded at build time (see Directory.Build.targets).</summary>
    public static string DllPath(Assembly recordedIn) =>
        recordedIn.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerPath").Value
        ?? throw new InvalidOperationException("The assembly does not record ServerPath.");

    public string DataDirectory { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the server on <paramref name="dataDirectory"/> and returns once it listens and, unless
    /// <paramref name="requireReady"/> is false, <c>/health/ready</c> answers 200 (a single node recovers before Kestrel
    /// opens its port, so it is ready as soon as it listens; a cluster member is ready once a leader is known).
    /// With <paramref name="workingDirectory"/> the process runs there with the server's own log levels; otherwise it
    /// runs here and logs warnings only (and the lifetime lines this class waits for).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string dllPath, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null,
        TimeSpan? timeout = null, string url = "http://127.0.0.1:0", bool requireReady = true, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        start.ArgumentList.Add(dllPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["STARCITE_DATA_DIR"] = dataDirectory;
        if (workingDirectory is null)
        {
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), dataDirectory);
        try
        {
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            var exited = server._process.WaitForExitAsync(deadline.Token);
            var listening = server._listening.Task;
            if (await Task.WhenAny(listening, exited) != listening)
            {
                throw new InvalidOperationException($"The server exited before it listened:\n{server.Output}");
            }

            server.BaseAddress = await listening;
            if (requireReady && !await server.IsReadyAsync(deadline.Token))
            {
                throw new InvalidOperationException($"The server listens but is not ready:\n{server.Output}");
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>True when <c>/health/ready</c> answers 200 (false on 503 or when the process does not answer).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            using var ready = await http.GetAsync("/health/ready", cancellationToken);
            return ready.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM: the graceful stop a service manager sends; waits for the process to exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs; waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (at >= 0)
        {
            _listening.TrySetResult(new Uri(line[(at + ListeningPrefix.Length)..].Trim()));
        }
    }
}
