using Starcite.Archive.S3.Layout;

namespace Starcite.Archive.Tests.S3;

/// <summary>The session id encoding in S3 keys: safe characters only, injective, and ordered like the ids.</summary>
[Trait("Category", "Unit")]
public sealed class ObjectKeysTests
{
    private const string IdCharacters = "-.0123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    [Theory]
    [InlineData("ses_demo", "ses5demo")]
    [InlineData("Ses_Demo-1", "4ses54demo021")]
    [InlineData("tenant:acme.chat", "tenant3acme1chat")]
    [InlineData("0", "20")]
    [InlineData("aZ9", "a4z29")]
    public void EncodeId_Examples_UseOnlyLowerCaseLettersAndDigits(string id, string encoded)
    {
        Assert.Equal(encoded, ObjectKeys.EncodeId(id));
        Assert.Equal(id, ObjectKeys.DecodeId(encoded));
    }

    [Fact]
    public void EncodeId_RandomIds_PreservesOrdinalOrderInFullKeysAndRoundTrips()
    {
        var random = new Random(20260220);
        var keys = new ObjectKeys("p/");
        for (var i = 0; i < 20_000; i++)
        {
            var a = RandomId(random);
            var b = random.Next(4) == 0 ? a + RandomId(random) : RandomId(random); // prefixes are the tricky case
            var expected = Math.Sign(string.CompareOrdinal(a, b));
            Assert.Equal(expected, Math.Sign(string.CompareOrdinal(keys.Record(a), keys.Record(b))));
            Assert.Equal(expected, Math.Sign(string.CompareOrdinal(keys.Chunk(a, 1), keys.Chunk(b, 1))));
            Assert.Equal(a, ObjectKeys.DecodeId(ObjectKeys.EncodeId(a)));
            Assert.Matches("^[0-9a-z]+$", ObjectKeys.EncodeId(a));
        }
    }

    [Fact]
    public void Chunk_Seqs_SortInSeqOrder()
    {
        var keys = new ObjectKeys("");

        Assert.Equal("events/a/0000000000000000001.ndjson", keys.Chunk("a", 1));
        Assert.Equal("events/a/9223372036854775807.ndjson", keys.Chunk("a", long.MaxValue));
        Assert.True(string.CompareOrdinal(keys.Chunk("a", 999), keys.Chunk("a", 1000)) < 0);
    }

    [Theory]
    [InlineData("ses/1")]
    [InlineData("ses 1")]
    [InlineData("é")]
    public void EncodeId_CharacterOutsideTheIdAlphabet_Throws(string id) =>
        Assert.Throws<ArgumentException>(() => ObjectKeys.EncodeId(id));

    private static string RandomId(Random random)
    {
        var length = random.Next(1, 12);
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = IdCharacters[r.Next(IdCharacters.Length)];
            }
        });
    }
}
