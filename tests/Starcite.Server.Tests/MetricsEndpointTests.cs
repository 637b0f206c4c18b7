using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests;

[Trait("Category", "Integration")]
public sealed class MetricsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_AfterAppendsAndATail_ExposeTheContractsInstrumentsAsPrometheusText()
    {
        await using var server = await ServerHost.StartAsync();
        var id = await server.CreateWithEventsAsync(3, "ses_metrics_secret");
        await server.PostJsonAsync($"/v1/sessions/{id}/append", Appends.Body("p1", 9)); // a producer_seq conflict
        await using var tail = await WebSocketTailClient.ConnectAsync(server.BaseAddress, id, "cursor=0", Ct);
        await tail.ReceiveEventsAsync(3, Ct);

        var response = await server.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync(Ct);

        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // At least: the meter listener behind the exporter is process-wide, so engines of tests running alongside add to it.
        Assert.InRange(Count(text, "appended"), 3, long.MaxValue);
        Assert.InRange(Count(text, "producer_seq_conflict"), 1, long.MaxValue);
        Assert.Contains("starcite_append_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("starcite_storage_commit_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Matches("""starcite_tail_readers(_ratio)?\{[^}]*\} [1-9]""", text);
        Assert.Contains("starcite_tail_deliveries", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ses_metrics_secret", text, StringComparison.Ordinal); // never a per-session label
    }

    private static long Count(string text, string outcome)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, $$"""starcite_append_duration_seconds_count\{[^}]*outcome="{{outcome}}"[^}]*\} (\d+)""");
        Assert.True(match.Success, $"no count for outcome {outcome}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
