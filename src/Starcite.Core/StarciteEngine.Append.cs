using System.Buffers;
using Starcite.Internal;
using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Codec;

namespace Starcite;

public sealed partial class StarciteEngine
{
    /// <summary>Appends an event to a session (contract §3).</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="request">The event.</param>
    /// <param name="cancellationToken">Cancels waiting. An append that was already logged may still become durable.</param>
    /// <returns>
    /// The outcome; every outcome is durable when returned. <see cref="AppendStatus.Appended"/> and
    /// <see cref="AppendStatus.Duplicate"/> carry the event's seq; conflicts carry the session's durable <c>last_seq</c>.
    /// </returns>
    /// <remarks>
    /// Decision order: session exists; dedupe by (producer_id, producer_seq) for the session's whole life, before any
    /// other check; producer order; <c>expected_seq</c>; accept with seq = last_seq + 1. A rejected append changes nothing.
    /// </remarks>
    /// <exception cref="InvalidRequestException">A field breaks a rule of contract §3; the message names it.</exception>
    /// <exception cref="StorageFailedException">The store failed; reopen the engine.</exception>
    /// <exception cref="EngineClosedException">The engine is shutting down.</exception>
    /// <exception cref="NotLeaderException">In a cluster: this member is not the leader (send the append to the leader).</exception>
    /// <exception cref="UnavailableException">In a cluster: no quorum, or the commit did not complete in time (the
    /// append may still commit; a retry with the same producer ids is deduplicated).</exception>
    public async ValueTask<AppendResult> AppendAsync(string sessionId, AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ThrowIfUnavailable();
        var started = _time.GetTimestamp();
        var command = AppendCommand.From(request, UnixMicros.Now(_time), _options.MaxEventBytes);
        if (_options.Cluster.IsEnabled)
        {
            return Record(started, await AppendReplicatedAsync(sessionId, command, cancellationToken).ConfigureAwait(false));
        }

        if (!_sessions.TryGet(sessionId, out var runtime))
        {
            return Record(started, new AppendResult(AppendStatus.SessionNotFound, 0, 0));
        }

        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Record(started, await AppendAsync(runtime, command, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            ExitWrite();
        }
    }

    private async ValueTask<AppendResult> AppendAsync(SessionRuntime runtime, AppendCommand command, CancellationToken cancellationToken)
    {
        SessionEvent? acceptedEarlier = null;
        while (true)
        {
            var step = TryDecideAndLog(runtime, command, acceptedEarlier);
            switch (step.Next)
            {
                case NextStep.FetchAcceptedEarlier:
                    acceptedEarlier = await FetchAcceptedEarlierAsync(runtime, command, cancellationToken).ConfigureAwait(false);
                    continue;
                case NextStep.WaitForRoom:
                    await _log.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                case NextStep.Commit:
                    // Not cancellable: the record is logged, and whoever commits it must also publish it, or readers
                    // would not see it until the session's next append. A commit takes about one fsync.
                    var committing = _time.GetTimestamp();
                    await CommitAsync(step.Address).ConfigureAwait(false);
                    _metrics.OnCommit(_time.GetElapsedTime(committing));
                    if (runtime.CommittedSeq < step.Result.Seq)
                    {
                        await runtime.PublishAsync(_log.CommittedUntilAddress, _indexPublished).ConfigureAwait(false);
                    }

                    return step.Result;
                default:
                    // Report only durable state: wait until what the decision saw is committed.
                    await runtime.WaitForCommittedAsync(step.Result.LastSeq, cancellationToken).ConfigureAwait(false);
                    return step.Result;
            }
        }
    }

    /// <summary>Decides under the session's lock and, when accepted, logs the record in seq order. Never waits.</summary>
    private DecideStep TryDecideAndLog(SessionRuntime runtime, AppendCommand command, SessionEvent? acceptedEarlier)
    {
        lock (runtime.SyncRoot)
        {
            var state = runtime.State;
            if (acceptedEarlier is null && state.WasAccepted(command.ProducerId, command.ProducerSeq))
            {
                return new DecideStep(NextStep.FetchAcceptedEarlier, default, 0);
            }

            var decision = AppendDecider.Decide(state, command, acceptedEarlier);
            if (decision.Status != AppendStatus.Appended)
            {
                return new DecideStep(NextStep.ReportWhenDurable, new AppendResult(decision.Status, decision.Seq, state.LastSeq, decision.ExpectedProducerSeq), 0);
            }

            var size = RecordCodec.SizeOf(command);
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                var written = RecordCodec.Write(state.Header.Number, decision.Seq, command, buffer);
                if (!_log.TryAppend(buffer.AsSpan(0, written), out var address))
                {
                    return new DecideStep(NextStep.WaitForRoom, default, 0);
                }

                var producer = state.Apply(decision.Seq, command.ProducerId, command.ProducerSeq, command.InsertedAtMicros, address);
                runtime.AddPending(new PendingEvent(new LogPosition(address, written), producer.Number, ToEvent(state.Header.Id, decision.Seq, command)));
                return new DecideStep(NextStep.Commit, new AppendResult(AppendStatus.Appended, decision.Seq, decision.Seq), address);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Finds the event accepted earlier for the command's (producer_id, producer_seq). Accepted events never change,
    /// so the lock is not held while reading; the caller decides again with the result.
    /// </summary>
    private async ValueTask<SessionEvent> FetchAcceptedEarlierAsync(SessionRuntime runtime, AppendCommand command, CancellationToken cancellationToken)
    {
        int producerNumber;
        long lastProducerSeq, producerLastSeq, producerLastAddress;
        lock (runtime.SyncRoot)
        {
            var producer = runtime.State.Producers[command.ProducerId];
            (producerNumber, lastProducerSeq, producerLastSeq, producerLastAddress) =
                (producer.Number, producer.LastProducerSeq, producer.LastSeq, producer.LastAddress);
        }

        // The producer's latest event, and therefore every earlier one, must be durable and indexed first.
        await runtime.WaitForCommittedAsync(producerLastSeq, cancellationToken).ConfigureAwait(false);
        var entry = command.ProducerSeq == lastProducerSeq
            ? new IndexEntry(producerLastAddress, 0, producerLastSeq)
            : await _index.TryGetAsync(IndexKey.ForProducer(runtime.Header.Number, producerNumber, command.ProducerSeq), cancellationToken).ConfigureAwait(false);
        if (!entry.Exists)
        {
            throw new StorageFailedException($"Session {runtime.Header.Id}: the index has no entry for producer {command.ProducerId} seq {command.ProducerSeq}.");
        }

        return await ReadEventAsync(runtime, entry, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CommitAsync(long address)
    {
        try
        {
            await _log.WaitForCommitAsync(address, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageFailedException ex)
        {
            Fail(ex);
            throw;
        }
    }

    private async ValueTask IndexPublishedAsync(SessionHeader header, PendingEvent published)
    {
        var entry = IndexEntry.Of(published.Position, published.Event.Seq);
        await _index.UpsertAsync(IndexKey.ForSeq(header.Number, published.Event.Seq), entry).ConfigureAwait(false);
        await _index.UpsertAsync(IndexKey.ForProducer(header.Number, published.ProducerNumber, published.Event.ProducerSeq), entry).ConfigureAwait(false);
    }

    private AppendResult Record(long started, AppendResult result)
    {
        _metrics.OnAppend(_time.GetElapsedTime(started), result.Status);
        return result;
    }

    private static SessionEvent ToEvent(string sessionId, long seq, AppendCommand command) => new(
        sessionId, seq, command.Type, command.Payload, command.Actor, command.ProducerId, command.ProducerSeq, command.Source,
        command.Metadata, command.Refs, command.IdempotencyKey, UnixMicros.ToDateTimeOffset(command.InsertedAtMicros));

    private enum NextStep
    {
        FetchAcceptedEarlier,
        WaitForRoom,
        Commit,
        ReportWhenDurable,
    }

    private readonly record struct DecideStep(NextStep Next, AppendResult Result, long Address);
}
