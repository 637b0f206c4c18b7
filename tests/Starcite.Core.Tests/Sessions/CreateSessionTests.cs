using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Sessions;

/// <summary>Contract §2: creating and getting sessions.</summary>
[Trait("Category", "Unit")]
public sealed partial class CreateSessionTests
{
    public static TheoryData<string> InvalidIds =>
    [
        "",
        new string('a', 129),
        ".abc",
        "_abc",
        "-abc",
        ":abc",
        "has space",
        " abc",
        "a/b",
        "sés",
        "日本",
        "abc\u0000",
    ];

    [Fact]
    public async Task CreateSessionAsync_WithoutId_GeneratesSesPrefixAnd22UrlSafeCharacters()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        var first = await engine.CreateSessionAsync(new CreateSessionRequest(), ct);
        var second = await engine.CreateSessionAsync(new CreateSessionRequest(), ct);

        Assert.True(first.Created);
        Assert.Matches(GeneratedId(), first.Session.Id);
        Assert.Matches(GeneratedId(), second.Session.Id);
        Assert.NotEqual(first.Session.Id, second.Session.Id);
        Assert.Equal(first.Session, await engine.GetSessionAsync(first.Session.Id, ct), SessionInfoComparer.Instance);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ses_demo")]
    [InlineData("Z9.a_b:c-d")]
    [InlineData("0abc")]
    public async Task CreateSessionAsync_ValidId_CreatesWithThatId(string id)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        var result = await engine.CreateSessionAsync(new CreateSessionRequest { Id = id }, ct);

        Assert.True(result.Created);
        Assert.Equal(id, result.Session.Id);
        Assert.Equal(0, result.Session.LastSeq);
        Assert.Equal(0, result.Session.ArchivedSeq);
    }

    [Fact]
    public async Task CreateSessionAsync_IdOf128Characters_Succeeds()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = "s" + new string('x', 127);

        var result = await engine.CreateSessionAsync(new CreateSessionRequest { Id = id }, ct);

        Assert.True(result.Created);
        Assert.NotNull(await engine.GetSessionAsync(id, ct));
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public async Task CreateSessionAsync_InvalidId_ThrowsInvalidSessionIdAndCreatesNothing(string id)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(
            async () => await engine.CreateSessionAsync(new CreateSessionRequest { Id = id }, ct));

        Assert.Equal("invalid_session_id", error.Code);
        Assert.Equal("id", error.Field);
        Assert.Empty((await engine.ListSessionsAsync(new SessionQuery(), ct)).Sessions);
    }

    [Fact]
    public async Task CreateSessionAsync_ExistingId_ReturnsExistingSessionNotCreated()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var original = await engine.CreateSessionAsync(
            new CreateSessionRequest { Id = "ses_a", Title = "first", Metadata = Engines.Utf8("""{"v":1}""") }, ct);
        await engine.AppendAsync("ses_a", Engines.Event("p1", 1), ct);

        var again = await engine.CreateSessionAsync(
            new CreateSessionRequest { Id = "ses_a", Title = "second", Metadata = Engines.Utf8("""{"v":2}""") }, ct);

        Assert.False(again.Created);
        Assert.Equal("first", again.Session.Title);
        Assert.Equal("""{"v":1}""", History.Text(again.Session.Metadata));
        Assert.Equal(original.Session.CreatedAt, again.Session.CreatedAt);
        Assert.Equal(1, again.Session.LastSeq);
        Assert.Single((await engine.ListSessionsAsync(new SessionQuery(), ct)).Sessions);
    }

    [Fact]
    public async Task CreateSessionAsync_SameIdConcurrently_CreatesExactlyOnce()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(
            async () => await engine.CreateSessionAsync(new CreateSessionRequest { Id = "ses_race", Title = $"t{i}" }, ct),
            ct)));

        var winner = Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(winner.Session, r.Session, SessionInfoComparer.Instance));
        Assert.Equal(winner.Session.Title, (await engine.GetSessionAsync("ses_race", ct))!.Title);
        Assert.Single((await engine.ListSessionsAsync(new SessionQuery(), ct)).Sessions);
    }

    [Fact]
    public async Task GetSessionAsync_MissingId_ReturnsNull()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await engine.CreateAsync("ses_other");

        Assert.Null(await engine.GetSessionAsync("ses_missing", ct));
        Assert.Null(await engine.GetSessionAsync("not a valid id", ct));
    }

    [Theory]
    [InlineData("{ \"tenant_id\" : \"acme\",\n  \"nested\": { \"a\": [1, 2 ] } }", """{"tenant_id":"acme","nested":{"a":[1,2]}}""")]
    [InlineData("null", "{}")]
    [InlineData(" {} ", "{}")]
    public async Task CreateSessionAsync_Metadata_IsStoredCompactly(string metadata, string stored)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        var result = await engine.CreateSessionAsync(new CreateSessionRequest { Id = "ses_m", Metadata = Engines.Utf8(metadata) }, ct);

        Assert.Equal(stored, History.Text(result.Session.Metadata));
        Assert.Equal(stored, History.Text((await engine.GetSessionAsync("ses_m", ct))!.Metadata));
    }

    [Fact]
    public async Task CreateSessionAsync_NoMetadataTitleOrPrincipal_StoresEmptyObjectAndNulls()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        await engine.CreateAsync("ses_bare");

        var session = await engine.GetSessionAsync("ses_bare", ct);
        Assert.NotNull(session);
        Assert.Equal("{}", History.Text(session.Metadata));
        Assert.Null(session.Title);
        Assert.Null(session.CreatorPrincipal);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("{\"a\":")]
    [InlineData("{} x")]
    public async Task CreateSessionAsync_NonObjectMetadata_ThrowsInvalidMetadata(string metadata)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(
            async () => await engine.CreateSessionAsync(new CreateSessionRequest { Id = "ses_m", Metadata = Engines.Utf8(metadata) }, ct));

        Assert.Equal("invalid_metadata", error.Code);
        Assert.Equal("metadata", error.Field);
        Assert.Contains("metadata", error.Message, StringComparison.Ordinal);
        Assert.Null(await engine.GetSessionAsync("ses_m", ct));
    }

    [Fact]
    public async Task CreateSessionAsync_EmptyMetadataBytes_AreStoredAsEmptyObject()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);

        // `Metadata = condition ? bytes : null` arrives as empty memory; it means "absent", not "invalid".
        var created = await engine.CreateSessionAsync(new CreateSessionRequest { Id = "ses_e", Metadata = ReadOnlyMemory<byte>.Empty }, ct);

        Assert.Equal("{}", History.Text(created.Session.Metadata));
    }

    [Fact]
    public async Task CreateSessionAsync_TitleAndPrincipal_AreStoredAndSurviveRestart()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 20, 10, 11, 12, TimeSpan.Zero).AddTicks(1_234_567));
        var principal = new Principal("acme", "user-42", PrincipalType.User);
        var request = new CreateSessionRequest { Id = "ses_demo", Title = "Draft contract", CreatorPrincipal = principal };
        SessionInfo created;
        await using (var engine = await Engines.StartAsync(dir.Path, time: time))
        {
            created = (await engine.CreateSessionAsync(request, ct)).Session;
        }

        await using (var engine = await Engines.StartAsync(dir.Path, time: time))
        {
            var session = await engine.GetSessionAsync("ses_demo", ct);
            Assert.NotNull(session);
            Assert.Equal("Draft contract", session.Title);
            Assert.Equal(principal, session.CreatorPrincipal);
            var expected = new DateTimeOffset(2026, 2, 20, 10, 11, 12, TimeSpan.Zero).AddTicks(1_234_560);
            Assert.Equal(expected, session.CreatedAt);
            Assert.Equal(TimeSpan.Zero, session.CreatedAt.Offset);
            Assert.Equal(expected, session.UpdatedAt);
            Assert.Equal(created, session, SessionInfoComparer.Instance);
        }
    }

    [GeneratedRegex("^ses_[A-Za-z0-9_-]{22}$")]
    private static partial Regex GeneratedId();
}
