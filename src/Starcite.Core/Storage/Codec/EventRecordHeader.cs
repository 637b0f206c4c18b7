namespace Starcite.Storage.Codec;

/// <summary>The fixed leading fields of an EventAppended record.</summary>
internal readonly record struct EventRecordHeader(long SessionNumber, long Seq, long ProducerSeq, long InsertedAtMicros, string ProducerId);
