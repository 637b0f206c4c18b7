namespace Starcite.Internal;

/// <summary>Timestamps as stored: microseconds since the Unix epoch, UTC (the contract's precision).</summary>
internal static class UnixMicros
{
    public static long Now(TimeProvider time) => From(time.GetUtcNow());

    public static long From(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset ToDateTimeOffset(long micros) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);
}
