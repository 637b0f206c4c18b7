namespace Starcite.Sessions;

/// <summary>The result of <see cref="AppendDecider.Decide"/>.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Seq">The new seq (Appended) or the original seq (Duplicate); otherwise 0.</param>
/// <param name="ExpectedProducerSeq">For a producer-order conflict: the producer_seq that was expected.</param>
internal readonly record struct AppendDecision(AppendStatus Status, long Seq, long ExpectedProducerSeq = 0);
