namespace Starcite.Storage.Codec;

/// <summary>A stored or received record (or snapshot) is damaged: its bytes cannot be what was written.</summary>
internal sealed class CorruptRecordException(string message, Exception? innerException = null) : Exception(message, innerException);
