using System.Text;

namespace Starcite.CrashWriter;

/// <summary>
/// Writes whole lines to stdout, one at a time. Each line goes out in a single write of less than PIPE_BUF bytes, so a
/// reader sees complete lines in order even when the process is killed mid-run.
/// </summary>
internal sealed class AckWriter(Stream stdout)
{
    private readonly Lock _lock = new();
    private readonly Stream _stdout = stdout;

    public void Line(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_lock)
        {
            _stdout.Write(bytes);
            _stdout.Flush();
        }
    }
}
