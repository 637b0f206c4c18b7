namespace Starcite.Sessions;

/// <summary>
/// The pure decide step of the write path (contract §3, decision order 2-6), shared by every engine.
/// It reads no clock, draws no randomness and does no I/O: the same state and command give the same decision on
/// every node and in every replay.
/// </summary>
internal static class AppendDecider
{
    /// <summary>Decides an append.</summary>
    /// <param name="state">The session's current state.</param>
    /// <param name="command">The validated command.</param>
    /// <param name="acceptedEarlier">
    /// The event accepted earlier for the command's (producer_id, producer_seq), which the caller must supply
    /// whenever <see cref="SessionState.WasAccepted"/> says there is one; otherwise null.
    /// </param>
    /// <param name="overCapacity">True when un-archived data is over its limit (contract §3.5). An input, not a reading,
    /// so that every replica decides it from the same replicated state.</param>
    public static AppendDecision Decide(SessionState state, AppendCommand command, SessionEvent? acceptedEarlier, bool overCapacity = false)
    {
        // 2. Dedupe first, so retrying a conditional append that succeeded is safe.
        if (state.WasAccepted(command.ProducerId, command.ProducerSeq))
        {
            if (acceptedEarlier is null || acceptedEarlier.ProducerId != command.ProducerId || acceptedEarlier.ProducerSeq != command.ProducerSeq)
            {
                throw new InvalidOperationException("The caller must supply the event accepted earlier for this producer_seq.");
            }

            return command.HasSameContentAs(acceptedEarlier)
                ? new AppendDecision(AppendStatus.Duplicate, acceptedEarlier.Seq)
                : new AppendDecision(AppendStatus.ProducerReplayConflict, 0);
        }

        // 3. Producer order: a known producer must send exactly its last + 1.
        // A producer that used 2^63-1 can send nothing more; 0 then says no producer_seq is possible.
        if (state.Producers.TryGetValue(command.ProducerId, out var producer)
            && (producer.LastProducerSeq == long.MaxValue || command.ProducerSeq != producer.LastProducerSeq + 1))
        {
            var nextProducerSeq = producer.LastProducerSeq == long.MaxValue ? 0 : producer.LastProducerSeq + 1;
            return new AppendDecision(AppendStatus.ProducerSeqConflict, 0, nextProducerSeq);
        }

        // 4. Optimistic concurrency.
        if (command.ExpectedSeq is { } expected && expected != state.LastSeq)
        {
            return new AppendDecision(AppendStatus.ExpectedSeqConflict, 0);
        }

        // 5. Capacity: refuse new data while the archive is too far behind (a duplicate above is still answered).
        if (overCapacity)
        {
            return new AppendDecision(AppendStatus.EventStoreBackpressure, 0);
        }

        // 6. Accept.
        return new AppendDecision(AppendStatus.Appended, state.LastSeq + 1);
    }
}
