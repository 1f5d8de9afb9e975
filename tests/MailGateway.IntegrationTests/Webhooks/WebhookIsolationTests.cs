using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Events;

using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Webhooks;

public sealed class WebhookIsolationTests(MailEnvFixture fixture)
{
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(WebhookIsolationTests)); // a Redis of its own
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_never_sees_or_receives_another_users_webhooks_or_events()
    {
        await using var aliceHook = await WebhookReceiver.StartAsync(_ct);
        await using var bobHook = await WebhookReceiver.StartAsync(_ct);
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var alice = gateway.ClientFor("wh-alice");
        using var bob = gateway.ClientFor("wh-bob");
        var aliceAccount = await gateway.AddAccountAsync("wh-alice", "user176");
        var bobAccount = await gateway.AddAccountAsync("wh-bob", "user177");
        var aliceCreated = await gateway.CreateWebhookAsync(alice, new { url = aliceHook.Url });
        var aliceId = aliceCreated.GetProperty("id").GetString()!;
        aliceHook.Trust(aliceCreated.GetProperty("secret").GetString()!);
        bobHook.Trust((await gateway.CreateWebhookAsync(bob, new { url = bobHook.Url })).GetProperty("secret").GetString()!);

        // Bob can neither see nor touch Alice's webhook, nor subscribe to her account.
        await WebhookApiTests.AssertProblemAsync(await bob.GetAsync($"/api/v1/webhooks/{aliceId}", _ct), HttpStatusCode.NotFound, "webhook_not_found");
        await WebhookApiTests.AssertProblemAsync(await bob.PatchAsJsonAsync($"/api/v1/webhooks/{aliceId}", new { url = bobHook.Url }, _ct), HttpStatusCode.NotFound, "webhook_not_found");
        await WebhookApiTests.AssertProblemAsync(await bob.PostAsync($"/api/v1/webhooks/{aliceId}/test", null, _ct), HttpStatusCode.NotFound, "webhook_not_found");
        await WebhookApiTests.AssertProblemAsync(await bob.GetAsync($"/api/v1/webhooks/{aliceId}/deliveries", _ct), HttpStatusCode.NotFound, "webhook_not_found");
        await WebhookApiTests.AssertProblemAsync(await bob.DeleteAsync($"/api/v1/webhooks/{aliceId}", _ct), HttpStatusCode.NotFound, "webhook_not_found");
        await WebhookApiTests.AssertProblemAsync(await bob.PostAsJsonAsync("/api/v1/webhooks", new { url = bobHook.Url, accountIds = new[] { aliceAccount } }, _ct),
            HttpStatusCode.NotFound, "account_not_found");
        var bobList = await WebhookGateway.GetJsonAsync(bob, "/api/v1/webhooks");
        Assert.DoesNotContain(bobList.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == aliceId);

        // Events of Alice's account reach Alice only, and Bob's reach Bob only.
        var forAlice = WebhookGateway.Event(aliceAccount);
        var forBob = WebhookGateway.Event(bobAccount, MailEventTypes.MessageDeleted);
        await gateway.PublishAsync(forAlice);
        await gateway.PublishAsync(forBob);
        await aliceHook.WaitForAsync(1, Wait, r => r.Id == forAlice.Id);
        await bobHook.WaitForAsync(1, Wait, r => r.Id == forBob.Id);
        await Task.Delay(TimeSpan.FromSeconds(1), _ct);
        // Every event a receiver got (the published ones and the watchers' own account.* events) is of its owner's account.
        Assert.Contains(forAlice.Id, aliceHook.Received.Select(r => r.Id));
        Assert.Contains(forBob.Id, bobHook.Received.Select(r => r.Id));
        Assert.All(aliceHook.Received, r => Assert.Equal(aliceAccount, r.Event.GetProperty("accountId").GetString()));
        Assert.All(bobHook.Received, r => Assert.Equal(bobAccount, r.Event.GetProperty("accountId").GetString()));
        Assert.All(aliceHook.Received.Concat(bobHook.Received), r => Assert.True(r.Verified));
    }

    [Fact]
    public async Task Account_and_event_filters_select_what_a_subscription_receives()
    {
        await using var hook = await WebhookReceiver.StartAsync(_ct);
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-filter-user");
        var first = await gateway.AddAccountAsync("wh-filter-user", "user178");
        var second = await gateway.AddAccountAsync("wh-filter-user", "user179");
        hook.Trust((await gateway.CreateWebhookAsync(client, new { url = hook.Url, accountIds = new[] { first }, events = new[] { "message.*" } }))
            .GetProperty("secret").GetString()!);

        var wanted = WebhookGateway.Event(first, MailEventTypes.MessageUpdated);
        await gateway.PublishAsync(WebhookGateway.Event(second));                                // other account
        await gateway.PublishAsync(WebhookGateway.Event(first, MailEventTypes.MailboxCreated)); // other type
        await gateway.PublishAsync(wanted);
        await hook.WaitForAsync(1, Wait);
        await Task.Delay(TimeSpan.FromSeconds(1), _ct);
        Assert.Equal([wanted.Id], hook.Received.Select(r => r.Id));
        var body = hook.Received[0].Event;
        Assert.Equal(first, body.GetProperty("accountId").GetString());
        Assert.Equal("message.updated", body.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task An_endpoint_failing_for_DisableAfter_is_disabled_logged_and_resumes_when_enabled()
    {
        await using var hook = await WebhookReceiver.StartAsync(_ct);
        var settings = new Dictionary<string, string?> { ["Webhooks:DisableAfter"] = "00:00:01" };
        for (var i = 0; i < 20; i++)
            settings[$"Webhooks:RetrySchedule:{i}"] = i == 0 ? "00:00:00" : "00:00:00.250";
        await using var gateway = new WebhookGateway(fixture, _redis, settings);
        using var client = gateway.ClientFor("wh-disable-user");
        var account = await gateway.AddAccountAsync("wh-disable-user", "user180");
        var created = await gateway.CreateWebhookAsync(client, new { url = hook.Url, events = new[] { "message.*" } });
        var id = created.GetProperty("id").GetString()!;
        hook.Trust(created.GetProperty("secret").GetString()!);
        hook.Script([.. Enumerable.Repeat(500, 1000)]);

        var mailEvent = WebhookGateway.Event(account);
        await gateway.PublishAsync(mailEvent);
        var until = DateTime.UtcNow + Wait;
        JsonElement webhook;
        do
        {
            await Task.Delay(200, _ct);
            webhook = await WebhookGateway.GetJsonAsync(client, $"/api/v1/webhooks/{id}");
        }
        while (webhook.GetProperty("enabled").GetBoolean() && DateTime.UtcNow < until);
        Assert.False(webhook.GetProperty("enabled").GetBoolean());
        Assert.Contains("Failing", webhook.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);

        var log = await WebhookGateway.GetJsonAsync(client, $"/api/v1/webhooks/{id}/deliveries");
        Assert.Contains(log.GetProperty("items").EnumerateArray(), e => e.GetProperty("eventType").GetString() == "endpoint.disabled"
            && e.GetProperty("kind").GetString() == "notice");
        var attemptsWhenDisabled = hook.Received.Count;
        await Task.Delay(TimeSpan.FromSeconds(1), _ct);
        Assert.Equal(attemptsWhenDisabled, hook.Received.Count);   // no attempts while disabled

        hook.ClearScript();
        using var enable = await client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { enabled = true }, _ct);
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        var delivered = await hook.WaitForAsync(1, Wait, r => r.AnsweredStatus == 200);
        Assert.Equal(mailEvent.Id, delivered.Single().Id);
        await WebhookDeliveryTests.WaitForStateAsync(client, id, "succeeded");
    }
}
