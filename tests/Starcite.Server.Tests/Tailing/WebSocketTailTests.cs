using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Tailing;

[Trait("Category", "Integration")]
public sealed class WebSocketTailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tail_FromCursorZero_ReplaysHistoryThenStreamsLiveEvents()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(5);
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);

        var replayed = await tail.ReceiveEventsAsync(5, Ct);
        await server.AppendManyAsync(id, "p1", 6, 5);
        var live = await tail.ReceiveEventsAsync(5, Ct);

        replayed.Concat(live).ToList().AssertConsecutiveFrom(1);
        var history = await (await server.GetAsync($"/v1/sessions/{id}/events?limit=100")).JsonAsync();
        Assert.Equal(
            history.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()),
            replayed.Concat(live).Select(e => e.GetRawText())); // the same bytes from every read path
    }

    [Fact]
    public async Task Tail_FromMidCursor_StartsAfterTheCursor()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(10);
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=7", Ct);

        (await tail.ReceiveEventsAsync(3, Ct)).AssertConsecutiveFrom(8);
    }

    [Fact]
    public async Task Tail_CursorAtLastSeq_WaitsForTheNextEvent()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(3);
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=3", Ct);

        var next = tail.ReceiveEventsAsync(1, Ct);
        await server.AppendManyAsync(id, "p1", 4, 1);

        Assert.Equal(4, (await next)[0].Seq());
    }

    [Fact]
    public async Task Tail_WithBatchSize_SendsArraysOfAtMostThatMany()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(10);
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0&batch_size=4", Ct);

        var events = new List<JsonElement>();
        while (events.Count < 10)
        {
            var frame = (await tail.ReceiveFrameAsync(Ct))!.Value;
            Assert.Equal(JsonValueKind.Array, frame.ValueKind);
            Assert.InRange(frame.GetArrayLength(), 1, 4);
            events.AddRange(frame.EnumerateArray());
        }

        events.AssertConsecutiveFrom(1);
    }

    [Fact]
    public async Task Tail_InboundDataFrames_AreIgnored()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(1);
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);

        await tail.Socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"ignored"}"""), WebSocketMessageType.Text, true, Ct);
        await tail.Socket.SendAsync(new byte[100_000], WebSocketMessageType.Binary, true, Ct);
        await server.AppendManyAsync(id, "p1", 2, 1);

        (await tail.ReceiveEventsAsync(2, Ct)).AssertConsecutiveFrom(1);
        Assert.Equal(2, (await (await server.GetAsync($"/v1/sessions/{id}")).JsonAsync()).GetProperty("last_seq").GetInt64());
    }

    [Fact]
    public async Task Tail_ConcurrentWriters_DeliversEveryEventOnceInSeqOrder()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(0);
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);

        var writers = Enumerable.Range(1, 4).Select(w => Task.Run(() => server.AppendManyAsync(id, $"w{w}", 1, 100), Ct)).ToArray();
        var received = await tail.ReceiveEventsAsync(400, Ct);
        await Task.WhenAll(writers);

        received.AssertConsecutiveFrom(1);
        foreach (var producer in received.GroupBy(e => e.GetProperty("producer_id").GetString()))
        {
            // Each producer's events keep its own order inside the session's order.
            Assert.Equal(Enumerable.Range(1, 100).Select(n => (long)n), producer.Select(e => e.GetProperty("producer_seq").GetInt64()));
        }
    }

    [Fact]
    public async Task Tail_ReconnectFromLastSeenSeq_ResumesWithoutGapOrDuplicate()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(20);
        List<JsonElement> first;
        await using (var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct))
        {
            first = await tail.ReceiveEventsAsync(12, Ct);
        }

        await server.AppendManyAsync(id, "p1", 21, 10);
        await using var resumed = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, $"cursor={first[^1].Seq()}", Ct);
        var rest = await resumed.ReceiveEventsAsync(18, Ct);

        first.Concat(rest).ToList().AssertConsecutiveFrom(1);
    }

    [Fact]
    public async Task Tail_ServerShutdown_SendsWhatItHasThenClosesWith1001()
    {
        var server = await ServerHost.StartAsync();
        await using var cleanup = server;
        var id = await server.CreateWithEventsAsync(3);
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);
        (await tail.ReceiveEventsAsync(3, Ct)).AssertConsecutiveFrom(1);

        var stopping = server.StopAsync();
        var frame = await tail.ReceiveFrameAsync(Ct);
        await stopping;

        Assert.Null(frame);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, tail.CloseStatus);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task Tail_ClientVanishesMidStream_ServerStaysHealthyAndLogsNoError()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(50);
        var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);
        await tail.ReceiveEventsAsync(10, Ct);

        tail.Socket.Abort(); // no close handshake: the TCP connection just goes away
        tail.Socket.Dispose();
        await server.AppendManyAsync(id, "p1", 51, 20);

        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/health/ready")).StatusCode);
        await using var again = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=60", Ct);
        (await again.ReceiveEventsAsync(10, Ct)).AssertConsecutiveFrom(61);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task Tail_StalledReader_DoesNotHoldBackAppendsAndThenReceivesEverything()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(1);
        await using var stalled = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);
        await stalled.ReceiveEventsAsync(1, Ct);

        // 3,000 events of about 1 KB: several MB, far more than the socket buffers and the in-memory window hold. The
        // reader does not read at all until every append has been acknowledged, so none of them can have waited for it.
        var text = new string('x', 1000);
        var writers = Enumerable.Range(1, 4).Select(w => Task.Run(() => server.AppendManyAsync(id, $"w{w}", 1, 750, text), Ct));
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var rest = await stalled.ReceiveEventsAsync(3000, Ct);
        rest.AssertConsecutiveFrom(2);
    }

    [Fact]
    public async Task Tail_ThousandConcurrentReaders_EachReceivesEveryEventInOrder()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(10);
        var readers = new List<WebSocketTailClient>();
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                readers.Add(await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct));
            }

            var receiving = readers.Select(reader => Task.Run(() => reader.ReceiveEventsAsync(60, Ct), Ct)).ToArray();
            await server.AppendManyAsync(id, "p1", 11, 50);
            var results = await Task.WhenAll(receiving).WaitAsync(TimeSpan.FromSeconds(120), Ct);

            Assert.All(results, events => events.AssertConsecutiveFrom(1));
        }
        finally
        {
            await Task.WhenAll(readers.Select(reader => reader.DisposeAsync().AsTask()));
        }
    }
}
