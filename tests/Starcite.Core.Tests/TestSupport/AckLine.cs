using System.Globalization;

namespace Starcite.Tests.TestSupport;

/// <summary>One acknowledged append reported by the crash writer: <c>ack &lt;sessionId&gt; &lt;seq&gt; &lt;producerId&gt; &lt;producerSeq&gt;</c>.</summary>
public sealed record AckLine(string SessionId, long Seq, string ProducerId, long ProducerSeq)
{
    public static bool TryParse(string line, out AckLine ack)
    {
        var parts = line.Split(' ');
        if (parts is ["ack", var session, var seq, var producer, var producerSeq]
            && long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var seqValue)
            && long.TryParse(producerSeq, NumberStyles.None, CultureInfo.InvariantCulture, out var producerSeqValue))
        {
            ack = new AckLine(session, seqValue, producer, producerSeqValue);
            return true;
        }

        ack = null!;
        return false;
    }
}
