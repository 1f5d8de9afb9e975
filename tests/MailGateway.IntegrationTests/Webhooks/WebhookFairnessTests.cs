using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Faults;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>Fair sharing of the webhook queue between users (issue 11 item 9): a backlog of 2,100 deliveries for user A's
/// endpoint that hangs does not delay user B's delivery beyond a few seconds (the former claim scanned a window of
/// 2,000 queued items from the head and never reached B's); per-user caps answer 409 <c>webhook_limit_reached</c>
/// (REST and GraphQL) and 429 <c>too_many_pending_deliveries</c> with Retry-After.</summary>
public sealed class WebhookFairnessTests(MailEnvFixture fixture)
{
    private const int Backlog = 2100;

    [Fact]
    public async Task A_hanging_endpoint_with_a_2100_delivery_backlog_does_not_delay_another_users_delivery()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var slow = await WebhookReceiver.StartAsync(ct);
        await using var fast = await WebhookReceiver.StartAsync(ct);
        slow.ResponseDelay = TimeSpan.FromSeconds(30); // hangs past Webhooks:Timeout on every attempt
        await using var app = fixture.CreateApp(o =>
        {
            var s = o.Settings;
            s["Redis:Configuration"] = redis.RedisConfiguration;
            s["Webhooks:AllowPrivateNetworks"] = "true";
            s["Webhooks:PollInterval"] = "00:00:00.100";
            s["Webhooks:Timeout"] = "00:00:20";
            s["Webhooks:MaxWebhooksPerUser"] = "2";
            s["Webhooks:MaxPendingPerEndpoint"] = Backlog.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        using var userA = app.CreateClient("wh-fair-a");
        using var userB = app.CreateClient("wh-fair-b");
        var hookA = (await WebhookGatewayCalls.CreateAsync(userA, new { url = slow.Url }, ct)).GetProperty("id").GetString()!;
        var hookB = await WebhookGatewayCalls.CreateAsync(userB, new { url = fast.Url }, ct);
        fast.Trust(hookB.GetProperty("secret").GetString()!);

        // User A fills its endpoint's queue to the cap; the first attempt hangs at the receiver meanwhile.
        var statuses = new List<HttpStatusCode>();
        for (var done = 0; done < Backlog; done += 20)
            statuses.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(20, Backlog - done)).Select(_ => TestAsync(userA, hookA, ct))));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        await slow.WaitForRequestStartAsync(TimeSpan.FromSeconds(30));

        // The cap: one more is 429 with a code and Retry-After.
        using (var refused = await userA.PostAsync($"/api/v1/webhooks/{hookA}/test", null, ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            Assert.Equal("too_many_pending_deliveries", Code(await refused.Content.ReadAsStringAsync(ct)));
        }

        // User B's delivery is not queued behind A's backlog.
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Accepted, await TestAsync(userB, hookB.GetProperty("id").GetString()!, ct));
        await fast.WaitForAsync(1, TimeSpan.FromSeconds(60), r => r.AnsweredStatus == 200);
        TestContext.Current.TestOutputHelper?.WriteLine($"user B's delivery arrived {clock.ElapsedMilliseconds} ms after it was queued behind {Backlog}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"user B waited {clock.Elapsed} behind user A's backlog");

        // Per-user webhook cap, on REST and GraphQL alike.
        await WebhookGatewayCalls.CreateAsync(userA, new { url = slow.Url }, ct);
        using (var third = await userA.PostAsync("/api/v1/webhooks", JsonContent(new { url = slow.Url }), ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
            Assert.Equal("webhook_limit_reached", Code(await third.Content.ReadAsStringAsync(ct)));
        }
        Assert.Equal("webhook_limit_reached", await GraphQLCalls.ErrorCodeAsync(userA,
            "mutation($u: String!) { createWebhook(input: { url: $u }) { id } }", new { u = slow.Url }, ct));
    }

    private static async Task<HttpStatusCode> TestAsync(HttpClient client, string webhookId, CancellationToken ct)
    {
        using var response = await client.PostAsync($"/api/v1/webhooks/{webhookId}/test", null, ct);
        return response.StatusCode;
    }

    private static System.Net.Http.Json.JsonContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);

    private static string? Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
}
