using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Starcite.Benchmarks.Peers.Nats;

/// <summary>
/// Per-session seq on JetStream: the session seq travels in a header, and every publish carries
/// <c>Nats-Expected-Last-Subject-Sequence</c> = the stream sequence of the session's last message, so two writers can
/// never give out the same seq; a writer that lost the race re-reads the subject's last message and tries again.
/// <c>Nats-Msg-Id</c> = session/producer/producer_seq makes retries idempotent, within the stream's duplicate window.
/// </summary>
internal sealed class NatsJetStreamClient : IPeerClient
{
    private const string SeqHeader = "Starcite-Seq";
    private const string ProducerHeader = "Starcite-Producer";
    private const string ProducerSeqHeader = "Starcite-Producer-Seq";
    private const int WrongLastSequence = 10071;
    private const int NoMessageFound = 10037;

    // The last (session seq, stream seq) this client saw per session: one round trip per append while one writer owns a session.
    private readonly ConcurrentDictionary<string, (long Seq, ulong StreamSeq)> _last = new(StringComparer.Ordinal);
    private INatsJSStream? _stream;

    public NatsJetStreamClient(NatsConnection connection, NatsJSContext js)
    {
        Connection = connection;
        JetStream = js;
    }

    public NatsConnection Connection { get; }

    public NatsJSContext JetStream { get; }

    private static string Subject(string sessionId) => NatsJetStreamSystem.SubjectPrefix + sessionId;

    // JetStream has no session object: a subject exists once something is published to it.
    public ValueTask CreateSessionAsync(string sessionId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask<PeerAppendResult> AppendAsync(string sessionId, PeerAppend append, CancellationToken cancellationToken)
    {
        var msgId = $"{sessionId}/{append.ProducerId}/{append.ProducerSeq}";
        var (last, lastStreamSeq) = _last.TryGetValue(sessionId, out var known) ? known : await LoadLastAsync(sessionId, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            // When the expected seq is already known to be wrong the publish must still go out, because dedupe comes
            // first; an impossible expected stream sequence makes sure it cannot be appended.
            var conditionFails = append.ExpectedSeq is { } expected && expected != last;
            var headers = new NatsHeaders
            {
                [SeqHeader] = (last + 1).ToString(CultureInfo.InvariantCulture),
                [ProducerHeader] = append.ProducerId,
                [ProducerSeqHeader] = append.ProducerSeq.ToString(CultureInfo.InvariantCulture),
            };
            var ack = await JetStream.PublishAsync(Subject(sessionId), append.Payload, headers: headers,
                opts: new NatsJSPubOpts { MsgId = msgId, ExpectedLastSubjectSequence = conditionFails ? ulong.MaxValue : lastStreamSeq },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (ack.Duplicate)
            {
                var original = await GetAsync(new StreamMsgGetRequest { Seq = ack.Seq }, cancellationToken).ConfigureAwait(false);
                return new PeerAppendResult(PeerOutcome.Deduped, ParseSeq(original!), last);
            }

            if (ack.Error is null)
            {
                _last[sessionId] = (last + 1, ack.Seq);
                return new PeerAppendResult(PeerOutcome.Appended, last + 1, last + 1);
            }

            if (ack.Error.ErrCode != WrongLastSequence)
            {
                throw new NatsJSApiException(ack.Error);
            }

            (last, lastStreamSeq) = await LoadLastAsync(sessionId, cancellationToken).ConfigureAwait(false);
            if (append.ExpectedSeq is { } e && e != last)
            {
                return new PeerAppendResult(PeerOutcome.ExpectedSeqConflict, 0, last);
            }
        }
    }

    public async ValueTask<IReadOnlyList<PeerEvent>> ReadAsync(string sessionId, long cursor, int limit, CancellationToken cancellationToken)
    {
        // JetStream 2.9 has no batched range read of a subject: walk it message by message. Only the smoke test reads
        // this way; replay goes through an ordered consumer (SubscribeAsync).
        var events = new List<PeerEvent>();
        ulong next = 1;
        while (events.Count < limit)
        {
            var message = await GetAsync(new StreamMsgGetRequest { NextBySubj = Subject(sessionId), Seq = next }, cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                break;
            }

            next = message.Seq + 1;
            var e = ToEvent(ParseHeaders(message.Hdrs), message.Data);
            if (e.Seq > cursor)
            {
                events.Add(e);
            }
        }

        return events;
    }

    public async Task<IPeerSubscription> SubscribeAsync(string sessionId, long cursor, CancellationToken cancellationToken)
    {
        // An ephemeral pull consumer on the session's subject: it replays the subject from the start, then follows it.
        // Not NATS.Net's ordered consumer: that one sends the multi-subject filter_subjects, which nats-server 2.9
        // (Debian's) ignores, so it would deliver every session. No acks: a reader that keeps its cursor needs none.
        var consumer = await JetStream.CreateOrUpdateConsumerAsync(NatsJetStreamSystem.StreamName, new ConsumerConfig
        {
            Name = $"tail-{Guid.NewGuid():N}",
            FilterSubject = Subject(sessionId),
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            InactiveThreshold = TimeSpan.FromSeconds(30),
        }, cancellationToken).ConfigureAwait(false);
        return new Subscription(JetStream, consumer, Subject(sessionId), cursor);
    }

    public async ValueTask SeedAsync(string sessionId, int events, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // One writer: concurrent writers to one subject would only lose the expected-sequence race and retry.
        for (var n = 1; n <= events; n++)
        {
            await AppendAsync(sessionId, new PeerAppend("seed", n, null, payload), cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private async ValueTask<(long Seq, ulong StreamSeq)> LoadLastAsync(string sessionId, CancellationToken cancellationToken)
    {
        var message = await GetAsync(new StreamMsgGetRequest { LastBySubj = Subject(sessionId) }, cancellationToken).ConfigureAwait(false);
        return message is null ? (0, 0) : (ParseSeq(message), message.Seq);
    }

    private async ValueTask<StoredMessage?> GetAsync(StreamMsgGetRequest request, CancellationToken cancellationToken)
    {
        _stream ??= await JetStream.GetStreamAsync(NatsJetStreamSystem.StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            return (await _stream.GetAsync(request, cancellationToken).ConfigureAwait(false)).Message;
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == NoMessageFound)
        {
            return null;
        }
    }

    private static long ParseSeq(StoredMessage message) => long.Parse(ParseHeaders(message.Hdrs)[SeqHeader], CultureInfo.InvariantCulture);

    private static PeerEvent ToEvent(Dictionary<string, string> headers, ReadOnlyMemory<byte> data) => new(
        long.Parse(headers[SeqHeader], CultureInfo.InvariantCulture), headers[ProducerHeader],
        long.Parse(headers[ProducerSeqHeader], CultureInfo.InvariantCulture), data);

    // The stream-get API returns the header block base64-encoded: "NATS/1.0\r\nName: value\r\n...\r\n\r\n".
    private static Dictionary<string, string> ParseHeaders(string? base64)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (base64 is null)
        {
            return headers;
        }

        foreach (var line in Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }

        return headers;
    }

    private sealed class Subscription(NatsJSContext js, INatsJSConsumer consumer, string subject, long cursor) : IPeerSubscription
    {
        private readonly CancellationTokenSource _stop = new();

        public async IAsyncEnumerable<PeerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            var last = 0L;
            await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: linked.Token).ConfigureAwait(false))
            {
                var headers = msg.Headers!;
                var e = new PeerEvent(long.Parse(headers[SeqHeader].ToString(), CultureInfo.InvariantCulture), headers[ProducerHeader].ToString(),
                    long.Parse(headers[ProducerSeqHeader].ToString(), CultureInfo.InvariantCulture), msg.Data ?? []);
                // Without acks a lost message would go unnoticed: the seq header makes a gap visible.
                if (msg.Subject != subject || e.Seq != last + 1)
                {
                    throw new InvalidOperationException($"consumer on {subject} got {msg.Subject} seq {e.Seq} after {last}");
                }

                last = e.Seq;
                if (e.Seq > cursor)
                {
                    yield return e;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _stop.Dispose();
            try
            {
                await js.DeleteConsumerAsync(NatsJetStreamSystem.StreamName, consumer.Info.Name).ConfigureAwait(false);
            }
            catch (NatsJSApiException)
            {
                // Already gone (inactive threshold); nothing to clean.
            }
        }
    }
}
