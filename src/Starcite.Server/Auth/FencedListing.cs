using Starcite.Sessions;

namespace Starcite.Server.Auth;

/// <summary>
/// <c>GET /v1/sessions</c> for a user principal: only the sessions it created, in its tenant, with the request's
/// paging and metadata filters on top. The engine lists by id; this reads its pages and keeps the principal's own,
/// so the cost grows with the sessions scanned, like a metadata filter's.
/// </summary>
internal static class FencedListing
{
    public static async ValueTask<SessionPage> ListAsync(StarciteEngine engine, SessionQuery query, AuthContext auth, CancellationToken cancellationToken)
    {
        if (auth.Kind != AuthKind.Principal)
        {
            return await engine.ListSessionsAsync(query, cancellationToken);
        }

        var owner = auth.Principal!;
        var kept = new List<SessionInfo>(Math.Min(query.Limit, 64));
        var cursor = query.Cursor;
        while (true)
        {
            var page = await engine.ListSessionsAsync(new SessionQuery { Limit = SessionQuery.MaxLimit, Cursor = cursor, MetadataFilter = query.MetadataFilter }, cancellationToken);
            foreach (var session in page.Sessions)
            {
                if (session.CreatorPrincipal != owner)
                {
                    continue;
                }

                if (kept.Count == query.Limit)
                {
                    return new SessionPage(kept, kept[^1].Id); // one more matches: there is a next page
                }

                kept.Add(session);
            }

            if (page.NextCursor is null)
            {
                return new SessionPage(kept, null);
            }

            cursor = page.NextCursor;
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
