using Amazon.S3;
using Amazon.S3.Model;
using Starcite.Archive.S3.Layout;
using Starcite.Sessions;

namespace Starcite.Archive.S3;

public sealed partial class S3ArchiveStore
{
    private const int MaxKeysPerListing = 1000;

    /// <inheritdoc />
    /// <remarks>
    /// Lists <c>records/</c> from the key after <paramref name="afterId"/>: the key encoding keeps ordinal id order, so
    /// one page lists at most <paramref name="limit"/> + 1 keys (the extra one tells whether more follow) and reads
    /// <paramref name="limit"/> record objects, in parallel.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is below 1.</exception>
    /// <exception cref="AmazonS3Exception">S3 refused a request.</exception>
    /// <exception cref="InvalidDataException">A record object is corrupt.</exception>
    /// <exception cref="IOException">An object kept coming back torn or unreadable on every attempt (a server that rewrites objects in place while they are written, or a broken connection).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask<SessionPage> ListSessionsAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArchiveArguments.ValidateList(limit);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var listed = await ListRecordKeysAsync(afterId, limit, cancellationToken).ConfigureAwait(false);
        var more = listed.Count > limit;
        var page = listed.Take(limit).ToArray();
        var records = new SessionInfo?[page.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, page.Length), Parallelism(cancellationToken), async (i, ct) =>
        {
            records[i] = await GetParsedAsync(page[i].Key, data => SessionRecords.Read(data, page[i].Key), ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        // A record listed but gone by the time it was read is left out; the cursor still moves past it.
        return new SessionPage([.. records.OfType<SessionInfo>()], more ? page[^1].Id : null);
    }

    /// <summary>Up to <paramref name="limit"/> + 1 record keys of ids ordinally after <paramref name="afterId"/>, in order.</summary>
    private async Task<List<(string Key, string Id)>> ListRecordKeysAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        var prefix = _keys.RecordsPrefix;
        string? startAfter = null;
        if (afterId is not null)
        {
            // Keys order like ids, so start after the key of the cursor's longest id-shaped prefix; ids up to the
            // cursor itself that this lets through (only when it holds other characters) are filtered below.
            var encoded = ObjectKeys.EncodeIdPrefix(afterId, out var consumed);
            startAfter = prefix + encoded + (consumed == afterId.Length ? ".json" : string.Empty);
        }

        var listed = new List<(string Key, string Id)>();
        string? continuation = null;
        do
        {
            var response = await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _options.Bucket,
                Prefix = prefix,
                StartAfter = continuation is null ? startAfter : null,
                ContinuationToken = continuation,
                MaxKeys = (int)Math.Min(MaxKeysPerListing, (long)limit + 1 - listed.Count), // long: limit may be int.MaxValue
            }, cancellationToken).ConfigureAwait(false);

            // AWSSDK v4 returns null, not an empty list, when nothing matched.
            foreach (var item in response.S3Objects ?? [])
            {
                var key = item.Key;
                var id = key.EndsWith(".json", StringComparison.Ordinal) ? ObjectKeys.DecodeId(key.AsSpan(prefix.Length, key.Length - prefix.Length - 5)) : null;
                if (id is not null && (afterId is null || string.CompareOrdinal(id, afterId) > 0) && listed.Count <= limit)
                {
                    listed.Add((key, id));
                }
            }

            continuation = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (continuation is not null && listed.Count <= limit);

        return listed;
    }
}
