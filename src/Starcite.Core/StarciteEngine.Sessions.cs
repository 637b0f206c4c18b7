using System.Buffers;
using System.Text.Json;
using Starcite.Internal;
using Starcite.Sessions;
using Starcite.Storage.Codec;

namespace Starcite;

public sealed partial class StarciteEngine
{
    /// <summary>Creates a session (contract §2), durably.</summary>
    /// <param name="request">The session to create; every field is optional.</param>
    /// <param name="cancellationToken">Cancels waiting; a creation already logged still completes.</param>
    /// <returns>Created, or not created because a session with that id exists (returned as it is).</returns>
    /// <exception cref="InvalidRequestException">An invalid id (<c>invalid_session_id</c>), title or metadata.</exception>
    /// <exception cref="StorageFailedException">The store failed.</exception>
    /// <exception cref="EngineClosedException">The engine is shutting down.</exception>
    /// <exception cref="NotLeaderException">In a cluster: this member is not the leader.</exception>
    /// <exception cref="UnavailableException">In a cluster: no quorum, or the commit did not complete in time.</exception>
    public async ValueTask<CreateSessionResult> CreateSessionAsync(CreateSessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Id ?? SessionIds.Generate();
        SessionIds.ThrowIfInvalid(id);
        var title = request.Title is { Length: 0 } ? string.Empty : TextRules.Optional(request.Title, "title", "invalid_event", TextRules.MaxTitleLength);
        var metadata = request.Metadata is { IsEmpty: false } json ? JsonObjects.Normalize(json.Span, "metadata", "invalid_metadata", allowNull: true) : JsonObjects.Empty;
        var principal = request.CreatorPrincipal is { } p ? ValidatePrincipal(p) : null;
        ThrowIfUnavailable();
        if (_options.Cluster.IsEnabled)
        {
            return await CreateReplicatedAsync(id, title, metadata, principal, cancellationToken).ConfigureAwait(false);
        }

        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SessionRuntime runtime;
            long address;
            while (true)
            {
                if (TryRegister(id, title, metadata, principal, UnixMicros.Now(_time), out runtime, out address))
                {
                    break;
                }

                if (address < 0)
                {
                    // The id exists: report it once its own creation is durable.
                    await runtime.WaitVisibleAsync(cancellationToken).ConfigureAwait(false);
                    return new CreateSessionResult(false, runtime.ToInfo());
                }

                await _log.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            }

            await CommitAsync(address).ConfigureAwait(false);
            runtime.MarkVisible();
            return new CreateSessionResult(true, runtime.ToInfo());
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>Gets a session, or null when it does not exist.</summary>
    /// <exception cref="EngineClosedException">The engine is shutting down.</exception>
    /// <exception cref="UnavailableException">In a cluster: no leader, or no quorum to confirm the read point.</exception>
    public ValueTask<SessionInfo?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ThrowIfUnavailableForReads();
        return _raft is null ? ValueTask.FromResult(GetVisible(sessionId)) : AfterBarrierAsync(this, sessionId, cancellationToken);

        static async ValueTask<SessionInfo?> AfterBarrierAsync(StarciteEngine engine, string sessionId, CancellationToken cancellationToken)
        {
            await engine.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
            return engine.GetVisible(sessionId);
        }
    }

    /// <summary>The session's durable last seq as this member holds it right now (no read barrier), or -1 when it has no such session.</summary>
    internal long TryGetCommittedSeq(string sessionId) => _sessions.TryGet(sessionId, out var runtime) && runtime.IsVisible ? runtime.CommittedSeq : -1;

    private SessionInfo? GetVisible(string sessionId) => _sessions.TryGet(sessionId, out var runtime) && runtime.IsVisible ? runtime.ToInfo() : null;

    /// <summary>Lists sessions in id order (ordinal), one page at a time (contract §2).</summary>
    /// <exception cref="InvalidRequestException">The limit is outside 1-1000 (<c>invalid_limit</c>).</exception>
    /// <exception cref="EngineClosedException">The engine is shutting down.</exception>
    /// <exception cref="UnavailableException">In a cluster: no leader, or no quorum to confirm the read point.</exception>
    public ValueTask<SessionPage> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfUnavailableForReads();
        if (query.Limit is < 1 or > SessionQuery.MaxLimit)
        {
            throw new InvalidRequestException("invalid_limit", "limit", $"limit must be an integer from 1 to {SessionQuery.MaxLimit}");
        }

        return _raft is null ? ValueTask.FromResult(ListVisible(query)) : AfterBarrierAsync(this, query, cancellationToken);

        static async ValueTask<SessionPage> AfterBarrierAsync(StarciteEngine engine, SessionQuery query, CancellationToken cancellationToken)
        {
            await engine.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
            return engine.ListVisible(query);
        }
    }

    private SessionPage ListVisible(SessionQuery query)
    {
        var page = new List<SessionInfo>(Math.Min(query.Limit, 64));
        var more = false;
        _sessions.Scan(query.Cursor, runtime =>
        {
            if (!runtime.IsVisible || !MetadataMatches(runtime.Header.Metadata, query.MetadataFilter))
            {
                return true;
            }

            if (page.Count == query.Limit)
            {
                more = true;
                return false;
            }

            page.Add(runtime.ToInfo());
            return true;
        });
        return new SessionPage(page, more ? page[^1].Id : null);
    }

    private bool TryRegister(string id, string? title, byte[] metadata, Principal? principal, long createdAtMicros, out SessionRuntime runtime, out long address)
    {
        lock (_sessions.CreationLock)
        {
            if (_sessions.TryGet(id, out runtime))
            {
                address = -1;
                return false;
            }

            var header = new SessionHeader(_sessions.NextNumber(), id, title, metadata, principal, createdAtMicros);
            var buffer = ArrayPool<byte>.Shared.Rent(RecordCodec.SizeOf(header));
            try
            {
                if (!_log.TryAppend(buffer.AsSpan(0, RecordCodec.Write(header, buffer)), out address))
                {
                    address = 0; // full: the caller waits for room and retries
                    runtime = null!;
                    return false;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            runtime = new SessionRuntime(new SessionState(header), visible: false);
            _sessions.Add(runtime);
            return true;
        }
    }

    private static Principal ValidatePrincipal(Principal principal)
    {
        const string code = "invalid_event";
        TextRules.Required(principal.TenantId, "creator_principal.tenant_id", code);
        TextRules.Required(principal.Id, "creator_principal.id", code);
        if (!Enum.IsDefined(principal.Type))
        {
            throw new InvalidRequestException(code, "creator_principal.type", "creator_principal.type must be user or agent");
        }

        return principal;
    }

    /// <summary>Metadata filter of contract §2: a string equal to the value, or a number or boolean whose JSON text equals it.</summary>
    private static bool MetadataMatches(byte[] metadata, IReadOnlyDictionary<string, string>? filter)
    {
        if (filter is null || filter.Count == 0)
        {
            return true;
        }

        using var document = JsonDocument.Parse(metadata);
        foreach (var (key, expected) in filter)
        {
            if (!document.RootElement.TryGetProperty(key, out var value))
            {
                return false;
            }

            var matches = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() == expected,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText() == expected,
                _ => false,
            };
            if (!matches)
            {
                return false;
            }
        }

        return true;
    }

    private void ThrowIfUnavailableForReads()
    {
        ThrowIfNotStarted();
        if (IsClosed)
        {
            throw new EngineClosedException();
        }
    }
}
