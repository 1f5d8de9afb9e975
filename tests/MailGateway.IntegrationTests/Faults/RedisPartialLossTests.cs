using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Webhooks;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>A failover to a replica that missed the latest writes: the boot marker and the watch demand are gone, the
/// accounts, webhook subscriptions and sync state are still there. The gateway notices (log line and the
/// <c>mailgateway.events.redis_data_lost</c> counter), writes the webhooks' watch demand again from the subscriptions,
/// and mail arriving afterwards is delivered to the webhook exactly once. Fails when the webhook demand is not
/// re-created (nothing watches the account any more, so nothing is delivered).</summary>
public sealed class RedisPartialLossTests(MailEnvFixture fixture)
{
    private const string User = "user149";
    private const string Owner = "faults-owner-149";

    [Fact]
    public async Task After_redis_lost_the_watch_demand_webhook_subscriptions_watch_again_and_deliver_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        await using var app = fixture.CreateApp(o =>
        {
            var s = o.Settings;
            s["Redis:Configuration"] = redis.RedisConfiguration;
            s["Events:SupervisorInterval"] = "00:00:00.200";
            s["Events:BootMarkerInterval"] = "00:00:00.500";
            s["Webhooks:AllowPrivateNetworks"] = "true";
            s["Webhooks:PollInterval"] = "00:00:00.100";
            s["Webhooks:DemandRefreshInterval"] = "00:10:00"; // only the loss notice may bring the demand back in time
        });
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        var hook = await WebhookGatewayCalls.CreateAsync(http, new { url = receiver.Url, events = new[] { "message.created" } }, ct);
        receiver.Trust(hook.GetProperty("secret").GetString()!);
        // Wait until the watch has its baseline (mail appended earlier would be part of it); the SignalR client leaves
        // again, so only the webhook's demand keeps the account watched.
        await using (var events = await Events.EventClient.ConnectAsync(app, app.CreateToken(Owner), ct))
        {
            await events.SubscribeAsync(accountId, ct);
            await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(60));
        }
        await fixture.Env.AppendAsync(User, "INBOX", Events.TestMail.Create("Before the loss"), ct);
        await receiver.WaitForAsync(1, TimeSpan.FromSeconds(60), r => Subject(r) == "Before the loss" && r.AnsweredStatus == 200);

        var logs = fixture.Logs.Count;
        await using (var direct = await ConnectionMultiplexer.ConnectAsync(redis.RedisConfiguration!))
            foreach (var key in new RedisKey[] { "mg:boot", "mg:demand", "mg:demand:persistent" }) await direct.GetDatabase().KeyDeleteAsync(key); // one by one: on a Redis Cluster they live in different slots
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!fixture.Logs.Since(logs).Any(l => l.Contains("Redis lost its data", StringComparison.Ordinal)) && DateTime.UtcNow < until)
            await Task.Delay(100, ct);
        Assert.Contains(fixture.Logs.Since(logs), l => l.Contains("Redis lost its data", StringComparison.Ordinal));
        using (var anonymous = app.CreateAnonymousClient())
            Assert.Contains("mailgateway_events_redis_data_lost", await anonymous.GetStringAsync("/metrics", ct), StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // without demand the supervisor stops the watch by now

        await fixture.Env.AppendAsync(User, "INBOX", Events.TestMail.Create("After the loss"), ct);
        await receiver.WaitForAsync(1, TimeSpan.FromSeconds(60), r => Subject(r) == "After the loss" && r.AnsweredStatus == 200);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // room for a duplicate
        Assert.Single(receiver.Received, r => Subject(r) == "After the loss");
        Assert.Single(receiver.Received, r => Subject(r) == "Before the loss");
    }

    private static string? Subject(ReceivedWebhook r) =>
        r.Event.TryGetProperty("data", out var data) && data.TryGetProperty("summary", out var summary)
            && summary.TryGetProperty("subject", out var subject) ? subject.GetString() : null;
}
