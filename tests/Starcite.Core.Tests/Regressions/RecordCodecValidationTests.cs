using Starcite.Storage.Codec;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Known codec gaps (not committed): ReadSessionCreated accepts out-of-range enum and flag bytes and returns a header
/// that no writer could have produced, instead of throwing CorruptRecordException.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RecordCodecValidationTests
{
    // RecordCodecGoldenTests.SessionCreatedHex: the last byte is the principal type (1 = agent).
    private const string SessionCreatedHex =
        "0101" + "0700000000000000" + "403205a43e4b0600" + "0a000000" + "7365735f676f6c64656e" + "09000000" + "447261667420e29c93"
        + "14000000" + "7b2274656e616e745f6964223a2261636d65227d" + "01" + "04000000" + "61636d65" + "07000000" + "757365722d3432" + "01";

    // RecordCodecGoldenTests.MinimalSessionCreatedHex: the last byte is the principal flag (0 = none).
    private const string MinimalSessionCreatedHex =
        "0101" + "0100000000000000" + "0000000000000000" + "01000000" + "61" + "ffffffff" + "02000000" + "7b7d" + "00";

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void ReadSessionCreated_UnknownPrincipalType_ThrowsCorruptRecord(byte type)
    {
        var bytes = Convert.FromHexString(SessionCreatedHex);
        bytes[^1] = type;
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadSessionCreated(bytes));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void ReadSessionCreated_PrincipalFlagNotZeroOrOne_ThrowsCorruptRecord(byte flag)
    {
        var bytes = Convert.FromHexString(MinimalSessionCreatedHex);
        bytes[^1] = flag;
        Assert.Throws<CorruptRecordException>(() => RecordCodec.ReadSessionCreated(bytes));
    }
}
