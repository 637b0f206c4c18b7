using System.Net;
using Starcite.Server.Tests.TestSupport;

namespace Starcite.Server.Tests.Auth;

/// <summary>No token, secret or access_token ever reaches a log, at any level; the effective options are logged with
/// the secret redacted.</summary>
[Trait("Category", "Integration")]
public sealed class SecretsInLogsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokensAndTheSecret_NeverReachTheLogs_EvenAtTrace()
    {
        await using var host = await AuthHost.StartAsync(); // logs at Trace for every category
        await host.CreateSessionAsync("ses_l", "acme", "u1");
        var service = host.ServiceToken();
        var principal = await host.IssueAsync("acme", "u1", "user", AuthHost.AllScopes);
        var expired = host.ServiceToken(lifetime: TimeSpan.FromSeconds(-5), notBefore: host.Now.AddMinutes(-1));
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/v1/sessions/ses_l/append", principal, Appends.Body("p1", 1).Replace("\"actor\":\"agent:test\",", "", StringComparison.Ordinal))).StatusCode);
        await (await host.GetAsync("/v1/sessions", expired)).AssertErrorAsync(401, "unauthorized");
        await (await host.GetAsync($"/v1/sessions/ses_l/events?access_token={principal}", null)).AssertErrorAsync(401, "unauthorized");
        using (var sse = await SseClient.OpenAsync(host.Server, $"/v1/sessions/ses_l/tail?cursor=0&access_token={principal}"))
        {
            await sse.ReadEventsAsync(1, Ct);
        }

        await using (var ws = await WebSocketTailClient.ConnectAsync(host.Server.BaseAddress, "ses_l", $"cursor=0&access_token={service}", Ct))
        {
            await ws.ReceiveEventsAsync(1, Ct);
        }

        await host.Server.StopAsync();
        var logs = host.AllLogs.Entries.ToArray();
        Assert.NotEmpty(logs);
        foreach (var secret in new[] { service, principal, expired, AuthHost.Secret })
        {
            var signature = secret.Contains('.', StringComparison.Ordinal) ? secret[(secret.LastIndexOf('.') + 1)..] : secret;
            Assert.DoesNotContain(logs, line => line.Contains(signature, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(logs, line => line.Contains("access_token=", StringComparison.Ordinal));
        Assert.Contains(logs, line => line.Contains("PrincipalTokenSecret=(set, redacted)", StringComparison.Ordinal));
    }
}
