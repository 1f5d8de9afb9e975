namespace MailGateway.Api.Webhooks;

internal sealed partial class WebhookDispatcher
{
    /// <summary>Stores the attempt, schedules the retry or dead-letters, and tracks endpoint health (auto-disable).</summary>
    private async Task RecordAsync(ClaimedDelivery claim, Webhook webhook, WebhookAttempt attempt)
    {
        var delivery = claim.Delivery;
        var now = time.GetUtcNow();
        var attempts = delivery.Attempts.Append(attempt).ToList();
        var ok = attempt.Error is null;
        WebhookDelivery updated;
        ClaimOutcome outcome;
        if (ok)
        {
            updated = delivery with { State = DeliveryState.Succeeded, Attempts = attempts, NextAttemptAt = null, ManualRetry = false };
            outcome = ClaimOutcome.Finish;
            metrics.Attempted("succeeded", attempt.DurationMs);
            WebhooksLog.Succeeded(logger, delivery.Id, webhook.Id, attempt.StatusCode, attempt.DurationMs);
        }
        else
        {
            var next = delivery.ManualRetry ? null : WebhookRetryPolicy.NextAttemptAt(
                Options.EffectiveSchedule, attempts.Count, now, Options.RetryJitter, Random.Shared.NextDouble());
            if (next is null)
            {
                updated = delivery with { State = DeliveryState.DeadLettered, Attempts = attempts, NextAttemptAt = null, ManualRetry = false };
                outcome = ClaimOutcome.Finish;
                metrics.Attempted("dead_lettered", attempt.DurationMs);
                WebhooksLog.DeadLettered(logger, delivery.Id, webhook.Id, attempts.Count, attempt.Error);
            }
            else
            {
                updated = delivery with { State = DeliveryState.Failed, Attempts = attempts, NextAttemptAt = next };
                outcome = ClaimOutcome.Requeue;
                metrics.Attempted("retrying", attempt.DurationMs);
                WebhooksLog.Failed(logger, delivery.Id, webhook.Id, attempts.Count, attempt.Error, next);
            }
        }
        if (!await queue.ReleaseAsync(claim, updated, outcome, CancellationToken.None).ConfigureAwait(false))
            WebhooksLog.LeaseLost(logger, delivery.Id);
        await UpdateHealthAsync(webhook.Id, ok, now).ConfigureAwait(false);
    }

    private async Task UpdateHealthAsync(string webhookId, bool ok, DateTimeOffset now)
    {
        // Field-level compare-and-set: the owner may change (or delete) the subscription during the attempt, and
        // writing back the record read before it would undo that (a new URL, a rotated secret, a re-enable).
        string? disabledReason = null;
        DateTimeOffset since = now;
        var saved = await store.UpdateAsync(webhookId, webhook =>
        {
            disabledReason = null;
            if (ok)
                return webhook.FailingSince is null ? null : webhook with { FailingSince = null };
            since = webhook.FailingSince ?? now;
            if (webhook.Enabled && WebhookRetryPolicy.ShouldDisable(since, now, Options.DisableAfter))
            {
                disabledReason = $"Failing continuously since {since:O}.";
                return webhook with { Enabled = false, DisabledReason = disabledReason, FailingSince = since, UpdatedAt = now };
            }
            return webhook.FailingSince is null ? webhook with { FailingSince = since } : null;
        }, CancellationToken.None).ConfigureAwait(false);
        if (saved is null || disabledReason is null)
            return;
        await queue.AddNoticeAsync(new WebhookDelivery
        {
            Id = WebhookDelivery.NewNoticeId(),
            WebhookId = webhookId,
            EventType = WebhookDelivery.EndpointDisabled,
            State = DeliveryState.Notice,
            CreatedAt = now,
            Note = disabledReason,
        }, CancellationToken.None).ConfigureAwait(false);
        WebhooksLog.EndpointDisabled(logger, webhookId, since);
    }
}
