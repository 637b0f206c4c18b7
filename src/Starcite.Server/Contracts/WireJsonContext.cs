using System.Text.Json.Serialization;

namespace Starcite.Server.Contracts;

/// <summary>The append reply of contract §3: <c>{"seq": n, "last_seq": n, "deduped": false}</c>.</summary>
internal sealed record AppendReply(long Seq, long LastSeq, bool Deduped);

/// <summary>The error body of contract §6: <c>{"error": code, "message": text}</c>.</summary>
internal sealed record ErrorBody(string Error, string Message);

/// <summary>The health body of contract §8: <c>{"status": "ok"}</c>, with a reason when not ready and, in a cluster,
/// this member's view of it.</summary>
internal sealed record HealthBody(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClusterBody? Cluster = null);

/// <summary>A member's view of its cluster: <c>{"role": "leader"|"follower"|"candidate", "leader": ..., ...}</c>.</summary>
internal sealed record ClusterBody(string Role, string? Leader, string? LeaderUrl, long Term, long CommitIndex, long AppliedIndex);

/// <summary>
/// Source-generated serialisation (no reflection) of the server's fixed-shape bodies. Sessions and events carry
/// stored JSON that goes out byte for byte, so <see cref="WireFormat"/> writes those by hand.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AppendReply))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(ClusterBody))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
