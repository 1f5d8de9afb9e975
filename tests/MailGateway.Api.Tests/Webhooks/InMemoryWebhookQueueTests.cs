using MailGateway.Api.Webhooks;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Tests.Webhooks;

public class InMemoryWebhookQueueTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static InMemoryWebhookQueue Queue(int perEndpoint = 1) =>
        new(Options.Create(new WebhookOptions { MaxConcurrencyPerEndpoint = perEndpoint, Lease = TimeSpan.FromSeconds(30) }), TimeProvider.System);

    private static WebhookDelivery Delivery(string webhookId, string eventId, DateTimeOffset? due = null) => new()
    {
        Id = WebhookDelivery.IdFor(webhookId, eventId),
        WebhookId = webhookId,
        EventId = eventId,
        EventType = "message.created",
        Body = "{}",
        CreatedAt = Now,
        NextAttemptAt = due ?? Now,
    };

    [Fact]
    public async Task Enqueueing_the_same_event_twice_for_a_subscription_is_a_no_op()
    {
        var queue = Queue();
        Assert.True(await queue.EnqueueAsync(Delivery("wh_a", "evt_1"), _ct));
        Assert.False(await queue.EnqueueAsync(Delivery("wh_a", "evt_1"), _ct));
        Assert.True(await queue.EnqueueAsync(Delivery("wh_b", "evt_1"), _ct));
        Assert.Equal(2, await queue.DepthAsync(_ct));
    }

    [Fact]
    public async Task One_endpoint_gets_one_delivery_in_flight_in_event_order_while_others_proceed()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Delivery("wh_slow", "evt_1"), _ct);
        await queue.EnqueueAsync(Delivery("wh_slow", "evt_2"), _ct);
        await queue.EnqueueAsync(Delivery("wh_fast", "evt_3"), _ct);

        var first = await queue.ClaimAsync(Now, _ct);
        var second = await queue.ClaimAsync(Now, _ct);
        Assert.Equal("evt_1", first!.Delivery.EventId);
        Assert.Equal("evt_3", second!.Delivery.EventId);          // the slow endpoint's second event waits its turn
        Assert.Null(await queue.ClaimAsync(Now, _ct));

        Assert.True(await queue.ReleaseAsync(first, first.Delivery with { State = DeliveryState.Succeeded }, ClaimOutcome.Finish, _ct));
        Assert.Equal("evt_2", (await queue.ClaimAsync(Now, _ct))!.Delivery.EventId);
    }

    [Fact]
    public async Task A_lease_that_expires_puts_the_delivery_back_and_the_old_holder_cannot_release_it()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Delivery("wh_a", "evt_1"), _ct);
        var claim = await queue.ClaimAsync(Now, _ct);
        Assert.Null(await queue.ClaimAsync(Now + TimeSpan.FromSeconds(10), _ct));

        var again = await queue.ClaimAsync(Now + TimeSpan.FromSeconds(31), _ct);   // the holder was killed
        Assert.Equal(claim!.Delivery.Id, again!.Delivery.Id);
        Assert.False(await queue.ReleaseAsync(claim, claim.Delivery, ClaimOutcome.Finish, _ct));
        Assert.True(await queue.ReleaseAsync(again, again.Delivery, ClaimOutcome.Finish, _ct));
    }

    [Fact]
    public async Task Retries_wait_for_their_due_time()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Delivery("wh_a", "evt_1"), _ct);
        var claim = await queue.ClaimAsync(Now, _ct);
        var retryAt = Now + TimeSpan.FromSeconds(5);
        await queue.ReleaseAsync(claim!, claim!.Delivery with { State = DeliveryState.Failed, NextAttemptAt = retryAt }, ClaimOutcome.Requeue, _ct);

        Assert.Equal(retryAt, await queue.NextDueAsync(_ct));
        Assert.Null(await queue.ClaimAsync(Now + TimeSpan.FromSeconds(4), _ct));
        Assert.NotNull(await queue.ClaimAsync(retryAt, _ct));
    }

    [Fact]
    public async Task Parked_deliveries_of_a_disabled_endpoint_come_back_when_it_is_enabled()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Delivery("wh_a", "evt_1"), _ct);
        var claim = await queue.ClaimAsync(Now, _ct);
        await queue.ReleaseAsync(claim!, claim!.Delivery, ClaimOutcome.Park, _ct);
        Assert.Null(await queue.ClaimAsync(Now + TimeSpan.FromDays(1), _ct));

        await queue.UnparkAsync("wh_a", Now, _ct);
        Assert.Equal("evt_1", (await queue.ClaimAsync(Now, _ct))!.Delivery.EventId);
    }

    [Fact]
    public async Task Manual_requeue_is_refused_while_in_flight_and_works_after_dead_letter()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Delivery("wh_a", "evt_1"), _ct);
        var claim = await queue.ClaimAsync(Now, _ct);
        Assert.False(await queue.RequeueAsync(claim!.Delivery, Now, _ct));

        await queue.ReleaseAsync(claim, claim.Delivery with { State = DeliveryState.DeadLettered }, ClaimOutcome.Finish, _ct);
        Assert.True(await queue.RequeueAsync(claim.Delivery with { State = DeliveryState.Pending, ManualRetry = true }, Now, _ct));
        Assert.True((await queue.ClaimAsync(Now, _ct))!.Delivery.ManualRetry);
        Assert.Null(await queue.RequeueAsync(Delivery("wh_other", "evt_1"), Now, _ct));
    }

    [Fact]
    public async Task Log_lists_newest_first_and_delete_forgets_everything()
    {
        var queue = Queue(perEndpoint: 4);
        await queue.EnqueueAsync(Delivery("wh_a", "evt_1"), _ct);
        await queue.EnqueueAsync(Delivery("wh_a", "evt_2"), _ct);
        await queue.AddNoticeAsync(new WebhookDelivery
        {
            Id = WebhookDelivery.NewNoticeId(), WebhookId = "wh_a", EventType = WebhookDelivery.EndpointDisabled,
            State = DeliveryState.Notice, CreatedAt = Now,
        }, _ct);

        var log = await queue.ListAsync("wh_a", 10, _ct);
        Assert.Equal([WebhookDelivery.EndpointDisabled, "message.created", "message.created"], log.Select(d => d.EventType));
        Assert.Equal("evt_2", log[1].EventId);

        await queue.DeleteWebhookAsync("wh_a", _ct);
        Assert.Empty(await queue.ListAsync("wh_a", 10, _ct));
        Assert.Null(await queue.ClaimAsync(Now, _ct));
    }
}
