using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Starcite.Tests.TestSupport;

/// <summary>
/// Runs tests/Starcite.CrashWriter as a child process (<c>dotnet Starcite.CrashWriter.dll</c>) and collects its output:
/// ack lines, log lines and stderr. Waits are on conditions over the output, never on time; <see cref="KillAsync"/>
/// sends SIGKILL and returns every ack line the child wrote before it died.
/// </summary>
public sealed class CrashWriterProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<AckLine> _acks = [];
    private readonly List<string> _logs = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _reading;
    private bool _ready;
    private bool _ended;

    private CrashWriterProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_lock)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _reading = Task.Run(ReadOutputAsync);
    }

    /// <summary>The crash writer's dll, as recorded at build time.</summary>
    public static string DllPath { get; } =
        typeof(CrashWriterProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashWriterPath").Value
        ?? throw new InvalidOperationException("The test assembly does not record CrashWriterPath.");

    public int AckCount
    {
        get
        {
            lock (_lock)
            {
                return _acks.Count;
            }
        }
    }

    public IReadOnlyList<AckLine> Acks
    {
        get
        {
            lock (_lock)
            {
                return [.. _acks];
            }
        }
    }

    /// <summary>Every <c>log &lt;eventId&gt; &lt;message&gt;</c> line, without the <c>log </c> prefix.</summary>
    public IReadOnlyList<string> Logs
    {
        get
        {
            lock (_lock)
            {
                return [.. _logs];
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts a writer on <paramref name="dataDirectory"/>; its producers are <c>r&lt;run&gt;-w&lt;n&gt;</c>.</summary>
    public static CrashWriterProcess Start(string dataDirectory, int run, int sessions = 4, int writers = 8, int checkpointSeconds = 0, bool smallSegments = false, bool throughput = false)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException("Build tests/Starcite.CrashWriter first.", DllPath);
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[]
        {
            DllPath, dataDirectory, run.ToString(CultureInfo.InvariantCulture),
            "--sessions", sessions.ToString(CultureInfo.InvariantCulture),
            "--writers", writers.ToString(CultureInfo.InvariantCulture),
            "--checkpoint-seconds", checkpointSeconds.ToString(CultureInfo.InvariantCulture),
            "--small-segments", smallSegments ? "1" : "0",
            "--throughput", throughput ? "1" : "0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        return new CrashWriterProcess(Process.Start(start) ?? throw new InvalidOperationException("The crash writer did not start."));
    }

    /// <summary>Waits until the writer printed <c>ready</c>.</summary>
    public Task WaitForReadyAsync(CancellationToken cancellationToken) => WaitUntilAsync(() => _ready, "ready", cancellationToken);

    /// <summary>Waits until at least <paramref name="count"/> acks arrived.</summary>
    public Task WaitForAcksAsync(int count, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => _acks.Count >= count, $"{count} acks", cancellationToken);

    /// <summary>Waits until a log line with <paramref name="eventId"/> arrived after the first <paramref name="afterLogs"/> log lines.</summary>
    public Task WaitForLogAsync(int eventId, int afterLogs, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => _logs.Skip(afterLogs).Any(line => line.StartsWith($"{eventId} ", StringComparison.Ordinal)), $"log event {eventId}", cancellationToken);

    /// <summary>Waits, with a timeout, until <paramref name="condition"/> (evaluated under the output lock after every line) holds.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition())
            {
                return;
            }

            if (_ended)
            {
                throw Ended(what);
            }

            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(DefaultTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The crash writer did not reach {what} within {DefaultTimeout} ({AckCount} acks). stderr: {Stderr}");
        }
    }

    /// <summary>SIGKILLs the writer, waits for it to die and returns every ack it wrote.</summary>
    public async Task<IReadOnlyList<AckLine>> KillAsync(CancellationToken cancellationToken)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited by itself; the exit is reported below.
        }

        await _process.WaitForExitAsync(cancellationToken);
        await _reading.WaitAsync(DefaultTimeout, cancellationToken);
        if (_process.ExitCode != 137 && _process.ExitCode != -1)
        {
            throw new InvalidOperationException($"The crash writer exited by itself with code {_process.ExitCode}. stderr: {Stderr}");
        }

        return Acks;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _reading;
        _process.Dispose();
    }

    private async Task ReadOutputAsync()
    {
        var stdout = _process.StandardOutput;
        while (await stdout.ReadLineAsync() is { } line)
        {
            lock (_lock)
            {
                if (AckLine.TryParse(line, out var ack))
                {
                    _acks.Add(ack);
                }
                else if (line.StartsWith("log ", StringComparison.Ordinal))
                {
                    _logs.Add(line[4..]);
                }
                else if (line == "ready")
                {
                    _ready = true;
                }
                else
                {
                    _stderr.AppendLine(CultureInfo.InvariantCulture, $"unexpected stdout line: {line}");
                }

                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Condition())
                    {
                        _waiters[i].Done.TrySetResult();
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        lock (_lock)
        {
            _ended = true;
            foreach (var (_, done) in _waiters)
            {
                done.TrySetException(Ended("the condition"));
            }

            _waiters.Clear();
        }
    }

    private InvalidOperationException Ended(string what) =>
        new($"The crash writer's output ended before {what} ({_acks.Count} acks). stderr: {_stderr}");
}
