using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Webhooks;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>
/// Two gateways on a private 3-master Redis Cluster (docs/decisions/redis-cluster.md): every Redis feature of the gateway works there —
/// health, the account and webhook stores (transactions, multi-key reads), the Data Protection key ring (the second
/// instance decrypts what the first stored), sync state, demand, leases, the event stream, the SignalR backplane and
/// the webhook queue scripts. A key layout that spans slots fails these with CROSSSLOT.
/// </summary>
public sealed class RedisClusterTests(MailEnvFixture fixture, RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private const string User = "user199";
    private const string Owner = "cluster-owner-199";

    private GatewayApp Create(string signingKey) => fixture.CreateApp(o =>
    {
        o.SigningKey = signingKey;
        o.Settings["Redis:Configuration"] = cluster.Seeds;
        o.Settings["Events:LeaseTtl"] = "00:00:03";
        o.Settings["Events:SupervisorInterval"] = "00:00:00.200";
        o.Settings["Webhooks:AllowPrivateNetworks"] = "true";
        o.Settings["Webhooks:PollInterval"] = "00:00:00.100";
    });

    /// <summary>/health/ready answers 200 once the multiplexer has found every primary (it connects in the background).</summary>
    internal static async Task WaitReadyAsync(GatewayApp app, CancellationToken ct)
    {
        using var anonymous = app.CreateAnonymousClient();
        var body = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200, ct))
        {
            using var ready = await anonymous.GetAsync("/health/ready", ct);
            body = await ready.Content.ReadAsStringAsync(ct);
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                Assert.Contains("Redis Cluster primaries", body, StringComparison.Ordinal);
                return;
            }
        }
        Assert.Fail("/health/ready never became healthy: " + body);
    }

    [Fact]
    public async Task Accounts_key_ring_events_backplane_and_webhooks_work_on_a_redis_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(cluster.Env.IsRedisCluster);
        var key = new GatewayAppOptions().SigningKey;
        await using var a = Create(key);
        await using var b = Create(key);
        await using var receiver = await WebhookReceiver.StartAsync(ct);

        foreach (var app in new[] { a, b }) await WaitReadyAsync(app, ct);

        using var onA = a.CreateClient(Owner);
        using var onB = b.CreateClient(Owner);
        var accountId = await a.RegisterAccountAsync(onA, User, ct);
        // The account store (a transaction over record + indexes) and its multi-key read, seen from the other instance.
        var listed = await onB.GetFromJsonAsync<JsonElement>("/api/v1/accounts", ct);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == accountId);
        // B decrypts the password A stored: the Data Protection key ring lives in the cluster.
        using (var mailboxes = await onB.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", ct))
            Assert.True(mailboxes.StatusCode == HttpStatusCode.OK, await mailboxes.Content.ReadAsStringAsync(ct));

        using var created = await onB.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "message.created" } }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        receiver.Trust(webhook.GetProperty("secret").GetString()!);

        await using var events = await EventClient.ConnectAsync(b, b.CreateToken(Owner), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));

        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("On the cluster"), ct);
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "On the cluster", TimeSpan.FromSeconds(30));
        var delivered = await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30), r => r.Type == "message.created");
        Assert.True(delivered[0].Verified);

        using var deliveries = await onA.GetAsync($"/api/v1/webhooks/{webhook.GetProperty("id").GetString()}/deliveries", ct);
        Assert.Equal(HttpStatusCode.OK, deliveries.StatusCode);
        using (var deleted = await onA.DeleteAsync($"/api/v1/webhooks/{webhook.GetProperty("id").GetString()}", ct))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var removed = await onA.DeleteAsync($"/api/v1/accounts/{accountId}", ct))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var after = await onB.GetFromJsonAsync<JsonElement>("/api/v1/accounts", ct);
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == accountId);
    }
}
