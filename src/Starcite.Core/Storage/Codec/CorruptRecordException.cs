namespace Starcite.Storage.Codec;

/// <summary>A stored record does not decode: an unknown version or kind, or bad lengths.</summary>
internal sealed class CorruptRecordException(string message) : Exception(message);
