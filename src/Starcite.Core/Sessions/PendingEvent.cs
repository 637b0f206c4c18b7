namespace Starcite.Sessions;

/// <summary>An accepted event whose record is in the log but not yet known to be durable.</summary>
internal readonly record struct PendingEvent(Storage.LogPosition Position, int ProducerNumber, SessionEvent Event);
