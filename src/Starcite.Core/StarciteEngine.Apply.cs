using Starcite.Sessions;
using Starcite.Storage.Checkpoints;
using Starcite.Storage.Codec;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private AppliedPosition _applied = AppliedPosition.None;
    private Task _appliedVisible = Task.CompletedTask; // the newest applied entry's publication; only the applier sets it

    /// <summary>The replicated-log position whose effects the store holds (zero without a cluster).</summary>
    internal AppliedPosition Applied => Volatile.Read(ref _applied);

    /// <summary>Completes once every entry applied so far is durable locally and visible to readers.</summary>
    internal Task WhenAppliedVisible => Volatile.Read(ref _appliedVisible);

    /// <summary>
    /// Applies one committed Raft entry on this member: each command in order, with the same decide step as the local
    /// write path, so every member reaches the same state. Returns once the entry's records are in the local log; they
    /// become durable there and visible to readers in the background (<see cref="WhenAppliedVisible"/>), in log order.
    /// </summary>
    /// <remarks>
    /// Not waiting for the local commit keeps an fsync per entry off the applier and off the proposer's ack: the entry
    /// is durable in the Raft log already, and every read in a cluster passes a barrier that waits for visibility, so a
    /// reader still sees every acknowledged write.
    /// <para>Re-applying an entry (a WAL replay after a crash) changes nothing already in the store: a creation finds its
    /// session, an append finds its (producer_id, producer_seq) accepted earlier. Nothing here reads a clock.</para>
    /// </remarks>
    /// <param name="commands">The entry's commands.</param>
    /// <param name="outcomes">Where to report each command's outcome (the proposing leader only), or null.</param>
    /// <param name="position">The entry's index and term.</param>
    /// <param name="cancellationToken">Cancels waiting for room in the log.</param>
    internal async ValueTask ApplyAsync(IReadOnlyList<WriteCommand> commands, AppliedWrite[]? outcomes, AppliedPosition position, CancellationToken cancellationToken)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var handedOver = false;
        try
        {
            var lastAddress = -1L;
            var touched = new HashSet<SessionRuntime>();
            var created = new List<SessionRuntime>();
            var archived = new List<(SessionRuntime Runtime, SessionArchivedRecord Record)>();
            for (var i = 0; i < commands.Count; i++)
            {
                AppliedWrite outcome;
                long address;
                while (true)
                {
                    (outcome, address) = TryApply(commands[i], archived);
                    if (address != WaitingForRoom)
                    {
                        break;
                    }

                    await _log.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                }

                if (address >= 0)
                {
                    lastAddress = address;
                    if (outcome.Kind is AppliedWriteKind.Created or AppliedWriteKind.Appended)
                    {
                        (outcome.Kind == AppliedWriteKind.Created ? (ICollection<SessionRuntime>)created : touched).Add(outcome.Runtime!);
                    }
                }

                if (outcomes is not null)
                {
                    outcomes[i] = outcome;
                }
            }

            Volatile.Write(ref _applied, position);
            Volatile.Write(ref _appliedVisible, PublishInOrderAsync(WhenAppliedVisible, lastAddress, touched, created, archived));
            handedOver = true;
        }
        finally
        {
            if (!handedOver)
            {
                ExitWrite();
            }
        }
    }

    /// <summary>Publishes an applied entry after every earlier one, then leaves the write gate its apply entered, so a
    /// checkpoint (which closes the gate) still sees every logged record durable and published.</summary>
    private async Task PublishInOrderAsync(Task earlier, long lastAddress, HashSet<SessionRuntime> touched, List<SessionRuntime> created,
        List<(SessionRuntime Runtime, SessionArchivedRecord Record)> archived)
    {
        try
        {
            await earlier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // its failure is its own waiters' to see
            await PublishAppliedAsync(lastAddress, touched, created, archived).ConfigureAwait(false);
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>Makes applied records durable, then shows them: new sessions become visible, touched sessions publish
    /// their events in seq order, archive progress is recorded. Empties the three collections for reuse.</summary>
    private async ValueTask PublishAppliedAsync(long lastAddress, HashSet<SessionRuntime> touched, List<SessionRuntime> created,
        List<(SessionRuntime Runtime, SessionArchivedRecord Record)> archived)
    {
        if (lastAddress >= 0)
        {
            await CommitAsync(lastAddress).ConfigureAwait(false);
        }

        foreach (var runtime in created)
        {
            runtime.MarkVisible();
        }

        foreach (var runtime in touched)
        {
            await runtime.PublishAsync(_log.CommittedUntilAddress, _indexPublished).ConfigureAwait(false);
        }

        foreach (var (runtime, record) in archived)
        {
            RecordArchived(runtime, record);
        }

        created.Clear();
        touched.Clear();
        archived.Clear();
    }

    private const long WaitingForRoom = -2;

    /// <summary>Applies one command; the address is the record's, -1 when nothing was logged, or <see cref="WaitingForRoom"/>.</summary>
    private (AppliedWrite Outcome, long Address) TryApply(WriteCommand command, List<(SessionRuntime, SessionArchivedRecord)> archived)
    {
        switch (command)
        {
            case CreateSessionWrite c:
                if (TryRegister(c.Id, c.Title, c.Metadata, c.CreatorPrincipal, c.CreatedAtMicros, out var runtime, out var address))
                {
                    return (new AppliedWrite(AppliedWriteKind.Created, runtime), address);
                }

                return address < 0 ? (new AppliedWrite(AppliedWriteKind.Exists, runtime), -1) : (default, WaitingForRoom);
            case AppendWrite a:
                if (!_sessions.TryGet(a.SessionId, out var session))
                {
                    return (new AppliedWrite(AppliedWriteKind.SessionNotFound, null), -1);
                }

                var step = TryDecideAndLog(session, a.Command, acceptedEarlier: null);
                return step.Next switch
                {
                    NextStep.FetchAcceptedEarlier => (new AppliedWrite(AppliedWriteKind.AcceptedEarlier, session), -1),
                    NextStep.WaitForRoom => (default, WaitingForRoom),
                    NextStep.Commit => (new AppliedWrite(AppliedWriteKind.Appended, session, step.Result.Seq), step.Address),
                    _ => (new AppliedWrite(AppliedWriteKind.Rejected, session, Rejection: step.Result), -1),
                };
            case ArchiveProgressWrite p:
                if (!_sessions.TryGet(p.SessionId, out var progressed) || p.ArchivedSeq <= progressed.State.Archive.ArchivedSeq)
                {
                    return (new AppliedWrite(AppliedWriteKind.Exists, progressed), -1); // nothing new (for example a re-apply)
                }

                var record = new SessionArchivedRecord(progressed.Header.Number, p.ArchivedSeq, p.ArchivedBytes);
                var buffer = new byte[RecordCodec.SessionArchivedSize];
                if (!_log.TryAppend(buffer.AsSpan(0, RecordCodec.Write(record, buffer)), out var archivedAt))
                {
                    return (default, WaitingForRoom);
                }

                archived.Add((progressed, record));
                return (new AppliedWrite(AppliedWriteKind.Exists, progressed), archivedAt);
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command.");
        }
    }
}
