using MailGateway.Api.Webhooks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>The Redis queue: restarts, several instances, and an instance that dies holding a delivery.</summary>
public sealed class WebhookDurabilityTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(WebhookDurabilityTests)); // a Redis of its own
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_delivery_pending_when_the_gateway_stops_is_sent_after_it_starts_again()
    {
        var slowRetry = new Dictionary<string, string?>
        {
            ["Webhooks:RetrySchedule:0"] = "00:00:00",
            ["Webhooks:RetrySchedule:1"] = "00:00:02",
        };
        string webhookId, eventId;
        await using (var first = new WebhookGateway(fixture, _redis, slowRetry))
        {
            using var client = first.ClientFor("wh-restart-user");
            var accountId = await first.AddAccountAsync("wh-restart-user", "user173");
            var created = await first.CreateWebhookAsync(client, new { url = _receiver.Url, events = new[] { "message.*" } });
            webhookId = created.GetProperty("id").GetString()!;
            _receiver.Trust(created.GetProperty("secret").GetString()!);
            _receiver.Script(500);
            var mailEvent = WebhookGateway.Event(accountId);
            eventId = mailEvent.Id;
            await first.PublishAsync(mailEvent);
            await _receiver.WaitForAsync(1, Wait);
        }   // stopped before the retry is due

        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        Assert.Single(_receiver.Received);

        await using var second = new WebhookGateway(fixture, _redis, slowRetry);
        using var again = second.ClientFor("wh-restart-user");
        var received = await _receiver.WaitForAsync(2, Wait);
        Assert.All(received, r => Assert.Equal(eventId, r.Id));
        Assert.True(received[1].Verified);
        Assert.Equal(200, received[1].AnsweredStatus);
        var log = await WebhookDeliveryTests.WaitForStateAsync(again, webhookId, "succeeded");
        Assert.Equal(2, log.GetProperty("attemptCount").GetInt32());
    }

    [Fact]
    public async Task Two_instances_on_one_redis_deliver_each_event_once_per_subscription()
    {
        await using var second = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);
        await using var a = new WebhookGateway(fixture, _redis);
        await using var b = new WebhookGateway(fixture, _redis, signingKey: a.SigningKey);
        using var clientA = a.ClientFor("wh-twice-user");
        using var clientB = b.ClientFor("wh-twice-user");
        var accountId = await a.AddAccountAsync("wh-twice-user", "user174");
        _receiver.Trust((await a.CreateWebhookAsync(clientA, new { url = _receiver.Url, events = new[] { "message.*", "mailbox.*" } })).GetProperty("secret").GetString()!);
        second.Trust((await b.CreateWebhookAsync(clientB, new { url = second.Url, events = new[] { "message.created" } }))
            .GetProperty("secret").GetString()!);

        var events = Enumerable.Range(0, 10).Select(_ => WebhookGateway.Event(accountId)).ToList();
        await Task.WhenAll(events.Select(async e =>
        {
            // The pipeline guarantees one call per event; even if both instances handled it, the queue keeps one delivery.
            await a.SinkAsync(e);
            await b.SinkAsync(e);
            await a.PublishAsync(e);
        }));
        await b.PublishAsync(WebhookGateway.Event(accountId, "mailbox.created"));   // only the unfiltered subscription wants it

        await _receiver.WaitForAsync(11, Wait);
        await second.WaitForAsync(10, Wait);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);   // room for any duplicate to show up
        Assert.Equal(11, _receiver.Received.Count);
        Assert.Equal(11, _receiver.Received.Select(r => r.Id).Distinct().Count());
        Assert.Equal(10, second.Received.Count);
        Assert.Equal(events.Select(e => e.Id).Order(), second.Received.Select(r => r.Id).Order());
        Assert.All(_receiver.Received.Concat(second.Received), r => Assert.True(r.Verified));
    }

    [Fact]
    public async Task A_delivery_held_by_an_instance_that_died_is_sent_by_another_after_the_lease_expires()
    {
        var settings = new Dictionary<string, string?> { ["Webhooks:Lease"] = "00:00:02", ["Webhooks:Timeout"] = "00:00:01" };
        string webhookId, accountId;
        await using (var setup = new WebhookGateway(fixture, _redis, settings))
        {
            using var client = setup.ClientFor("wh-lease-user");
            accountId = await setup.AddAccountAsync("wh-lease-user", "user175");
            var created = await setup.CreateWebhookAsync(client, new { url = _receiver.Url, events = new[] { "message.*" } });
            webhookId = created.GetProperty("id").GetString()!;
            _receiver.Trust(created.GetProperty("secret").GetString()!);
        }

        // Another instance takes the delivery and dies before it finishes: it never releases its lease.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var dying = new RedisWebhookQueue(redis, new MailGateway.Api.Storage.RedisKeys(_redis.KeyPrefix), Options.Create(new WebhookOptions { Lease = TimeSpan.FromSeconds(2) }));
        var mailEvent = WebhookGateway.Event(accountId);
        var now = DateTimeOffset.UtcNow;
        Assert.True(await dying.EnqueueAsync(new WebhookDelivery
        {
            Id = WebhookDelivery.IdFor(webhookId, mailEvent.Id),
            WebhookId = webhookId,
            EventId = mailEvent.Id,
            EventType = mailEvent.Type,
            Body = $$"""{"id":"{{mailEvent.Id}}","type":"{{mailEvent.Type}}"}""",
            CreatedAt = now,
            NextAttemptAt = now,
        }, TestContext.Current.CancellationToken));
        Assert.NotNull(await dying.ClaimAsync(now, TestContext.Current.CancellationToken));
        Assert.Null(await dying.ClaimAsync(now, TestContext.Current.CancellationToken));

        await using var survivor = new WebhookGateway(fixture, _redis, settings);
        using var survivorClient = survivor.ClientFor("wh-lease-user");
        var received = (await _receiver.WaitForAsync(1, Wait, r => r.Id == mailEvent.Id)).Single();
        Assert.True(received.Verified);
        Assert.True(received.ReceivedAt - now >= TimeSpan.FromSeconds(1.5), "sent only after the dead instance's lease expired");
        await WebhookDeliveryTests.WaitForStateAsync(survivorClient, webhookId, "succeeded");
    }
}
