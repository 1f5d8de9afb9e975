using System.Text.Json;
using MailGateway.Api.Events;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

/// <summary>Turns an event into one queued delivery per subscription (idempotent by delivery id).</summary>
internal sealed class WebhookEnqueuer(
    IWebhookQueue queue, WebhookMetrics metrics, WebhookWakeup wakeup, IOptions<WebhookOptions> options,
    TimeProvider time, ILogger<WebhookEnqueuer> logger)
{
    public async Task<WebhookDelivery> EnqueueAsync(Webhook webhook, MailEvent mailEvent, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var delivery = new WebhookDelivery
        {
            Id = WebhookDelivery.IdFor(webhook.Id, mailEvent.Id),
            WebhookId = webhook.Id,
            EventId = mailEvent.Id,
            EventType = mailEvent.Type,
            Body = JsonSerializer.Serialize(mailEvent, WebhookJson.Options),
            CreatedAt = now,
            NextAttemptAt = WebhookRetryPolicy.NextAttemptAt(options.Value.EffectiveSchedule, 0, now, options.Value.RetryJitter, Random.Shared.NextDouble()) ?? now,
        };
        if (await queue.EnqueueAsync(delivery, cancellationToken).ConfigureAwait(false))
        {
            metrics.Enqueued();
            WebhooksLog.Queued(logger, delivery.Id, delivery.EventType, webhook.Id);
            wakeup.Wake();
        }
        return delivery;
    }

    public void Wake() => wakeup.Wake();
}

/// <summary>
/// The webhook consumer of the event pipeline. <see cref="EventDelivery.Once"/>: the pipeline calls it once per event in the
/// cluster; the delivery id makes a repeated call harmless anyway. Only subscriptions of the account's owner can match.
/// </summary>
internal sealed class WebhookEventSink(IAccountStore accounts, IWebhookStore store, WebhookEnqueuer enqueuer) : IDurableMailEventSink
{
    public EventDelivery Delivery => EventDelivery.Once;

    public async ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
    {
        if (mailEvent.Type == MailEventTypes.WebhookTest || string.IsNullOrEmpty(mailEvent.AccountId))
            return;
        // Once per watch batch (EventBatch), not per event: a batch of 50 arrivals reads the account and its webhooks once.
        var (account, webhooks) = EventBatch.Current is { } batch
            ? await batch.GetOrAddAsync("webhooks:" + mailEvent.AccountId, () => ResolveAsync(mailEvent.AccountId, cancellationToken)).ConfigureAwait(false)
            : await ResolveAsync(mailEvent.AccountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
            return;
        foreach (var webhook in webhooks)
        {
            if (webhook.Matches(account.Id, mailEvent.Type))
                await enqueuer.EnqueueAsync(webhook, mailEvent, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<(Account? Account, IReadOnlyList<Webhook> Webhooks)> ResolveAsync(string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null) return (null, []);
        return (account, await store.ListByOwnerAsync(account.OwnerId, cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>Lets the local dispatcher start at once on work queued here; work queued elsewhere is found by polling.</summary>
internal sealed class WebhookWakeup
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
