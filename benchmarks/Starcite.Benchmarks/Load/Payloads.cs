using System.Text;

namespace Starcite.Benchmarks.Load;

/// <summary>A JSON object payload of about the requested size.</summary>
internal static class Payloads
{
    public static byte[] OfSize(int bytes)
    {
        var filler = new string('x', Math.Max(0, bytes - 12));
        return Encoding.UTF8.GetBytes($"{{\"text\":\"{filler}\"}}");
    }
}
