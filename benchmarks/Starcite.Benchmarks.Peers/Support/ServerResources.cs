using System.Diagnostics;
using System.Globalization;

namespace Starcite.Benchmarks.Peers.Support;

/// <summary>Memory and disk of a server running in another process, read from /proc and <c>du</c>.</summary>
public static class ServerResources
{
    /// <summary>
    /// The proportional set size of the processes, in bytes: shared pages (PostgreSQL's shared buffers, a mapped
    /// file) are split between the processes that map them, so the sum is what the server group really uses.
    /// </summary>
    public static long Pss(IEnumerable<int> pids)
    {
        long total = 0;
        foreach (var pid in pids)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
                {
                    if (line.StartsWith("Pss:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                        break;
                    }
                }
            }
            catch (IOException)
            {
                // The process ended between listing and reading; it uses nothing any more.
            }
        }

        return total;
    }

    /// <summary>User plus system CPU time the processes used so far, in seconds (/proc/&lt;pid&gt;/stat, 100 ticks a second).</summary>
    public static double CpuSeconds(IEnumerable<int> pids)
    {
        long ticks = 0;
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }

        return ticks / 100.0;
    }

    /// <summary>The process and all its descendants (PostgreSQL forks one backend per connection).</summary>
    public static IReadOnlyList<int> WithDescendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }

        var result = new List<int> { root };
        for (var i = 0; i < result.Count; i++)
        {
            result.AddRange(parents.Where(p => p.Value == result[i]).Select(p => p.Key));
        }

        return result;
    }

    /// <summary>Bytes allocated on disk under the directory (<c>du -s -B1</c>: preallocated but unwritten space does not count).</summary>
    public static long DiskBytes(string directory)
    {
        using var du = Process.Start(new ProcessStartInfo("du", ["-s", "-B1", directory]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = du.StandardOutput.ReadToEnd();
        du.WaitForExit();
        return long.Parse(output.Split('\t', 2)[0], CultureInfo.InvariantCulture);
    }
}
