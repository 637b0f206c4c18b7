using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Tailing;

[Trait("Category", "Integration")]
public sealed class SseTailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventStream_ReplaysThenStreamsLive_WithIdEventAndData()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(3);
        using var stream = await SseClient.OpenAsync(server, $"/v1/sessions/{id}/tail?cursor=1");

        var replayed = await stream.ReadEventsAsync(2, Ct);
        await server.AppendManyAsync(id, "p1", 4, 2);
        var live = await stream.ReadEventsAsync(2, Ct);

        var all = replayed.Concat(live).ToList();
        Assert.Equal(["2", "3", "4", "5"], all.Select(m => m.Id));
        Assert.All(all, m => Assert.Equal("event", m.Event));
        all.Select(m => m.Json).ToList().AssertConsecutiveFrom(2);
        var history = await (await server.GetAsync($"/v1/sessions/{id}/events?cursor=1")).JsonAsync();
        Assert.Equal(history.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()), all.Select(m => m.Data));
    }

    [Fact]
    public async Task EventStream_LastEventId_OverridesTheCursor()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(6);
        using var stream = await SseClient.OpenAsync(server, $"/v1/sessions/{id}/tail?cursor=0", lastEventId: "4");

        var events = await stream.ReadEventsAsync(2, Ct);

        Assert.Equal(["5", "6"], events.Select(m => m.Id));
    }

    [Fact]
    public async Task EventStream_Idle_SendsKeepAliveComments()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Starcite:Server:SseKeepAliveInterval"] = "00:00:00.100" });
        var id = await server.CreateWithEventsAsync(0);
        using var stream = await SseClient.OpenAsync(server, $"/v1/sessions/{id}/tail");

        var first = await stream.ReadAsync(Ct);
        var second = await stream.ReadAsync(Ct);
        await server.AppendManyAsync(id, "p1", 1, 1);
        var events = await stream.ReadEventsAsync(1, Ct);

        Assert.Equal("keep-alive", first?.Comment);
        Assert.Equal("keep-alive", second?.Comment);
        Assert.Equal("1", events[0].Id);
    }

    [Fact]
    public async Task EventStream_ServerShutdown_EndsTheStreamCleanly()
    {
        var server = await ServerHost.StartAsync();
        await using var cleanup = server;
        var id = await server.CreateWithEventsAsync(2);
        using var stream = await SseClient.OpenAsync(server, $"/v1/sessions/{id}/tail");
        await stream.ReadEventsAsync(2, Ct);

        var stopping = server.StopAsync();
        var end = await stream.ReadAsync(Ct);
        await stopping;

        Assert.Null(end);
        Assert.Empty(server.Logs.Errors);
    }
}
