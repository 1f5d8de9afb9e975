using Microsoft.Extensions.Options;

namespace MailGateway.Api.Webhooks;

/// <summary>
/// The worker pool: claims due deliveries (the queue keeps each endpoint within its concurrency limit and in order) and
/// runs up to <c>MaxConcurrency</c> attempts at once, so a slow endpoint only ever occupies its own slots.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IWebhookQueue queue, IWebhookStore store, WebhookSender sender, WebhookSecrets secrets, WebhookWakeup wakeup,
    WebhookMetrics metrics, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    // Cancels attempts in flight only when the host's shutdown deadline passes; stopping itself just ends claiming.
    private readonly CancellationTokenSource _abort = new();
    private DateTimeOffset _nextDepthRefresh;
    private WebhookOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Options.MaxConcurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                ClaimedDelivery? claim;
                try
                {
                    claim = await queue.ClaimAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    slots.Release();
                    WebhooksLog.QueueError(logger, ex);
                    await Task.Delay(Options.PollInterval, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                if (claim is null)
                {
                    slots.Release();
                    await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }
                await RefreshDepthAsync(force: false, stoppingToken).ConfigureAwait(false);
                // Each attempt holds one slot until it is done; the pump never waits for an endpoint.
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await ProcessAsync(claim, _abort.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                        wakeup.Wake();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        // Drain: every slot back means every attempt in flight has finished (or was handed back at the deadline).
        for (var i = 0; i < Options.MaxConcurrency; i++)
            await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops claiming at once; attempts in flight finish (each within Webhooks:Timeout) unless the host's
    /// shutdown deadline comes first, in which case they are handed back to the queue unrecorded.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var abortAtDeadline = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        var wait = Options.PollInterval;
        await RefreshDepthAsync(force: true, stoppingToken).ConfigureAwait(false);
        try
        {
            var next = await queue.NextDueAsync(stoppingToken).ConfigureAwait(false);
            var untilDue = next - time.GetUtcNow();
            if (untilDue > TimeSpan.Zero && untilDue < wait)
                wait = untilDue.Value;   // due items in the past mean their endpoints are busy: wait for a slot or the poll
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WebhooksLog.QueueError(logger, ex);
        }
        await wakeup.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>The queue-depth gauge reads a cached value: refreshed when idle, and at most every few seconds when busy.</summary>
    private async Task RefreshDepthAsync(bool force, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        if (!force && now < _nextDepthRefresh)
            return;
        _nextDepthRefresh = now + TimeSpan.FromSeconds(5);
        try
        {
            metrics.QueueDepth(await queue.DepthAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WebhooksLog.QueueError(logger, ex);
        }
    }

    private async Task ProcessAsync(ClaimedDelivery claim, CancellationToken abortToken)
    {
        var delivery = claim.Delivery;
        try
        {
            var webhook = await store.GetAsync(delivery.WebhookId, abortToken).ConfigureAwait(false);
            if (webhook is null)
            {
                await queue.ReleaseAsync(claim, delivery, ClaimOutcome.Finish, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            if (!webhook.Enabled)
            {
                await queue.ReleaseAsync(claim, delivery, ClaimOutcome.Park, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            var attempt = await sender.SendAsync(webhook.Url, delivery.EventId ?? delivery.Id, delivery.Body ?? "{}",
                secrets.SigningSecrets(webhook, time.GetUtcNow()), abortToken).ConfigureAwait(false);
            await RecordAsync(claim, webhook, attempt).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abortToken.IsCancellationRequested)
        {
            // Shutdown deadline reached mid-attempt: hand the delivery back untouched so this or another instance sends it.
            await TryReleaseAsync(claim, delivery with { NextAttemptAt = time.GetUtcNow() }, ClaimOutcome.Requeue).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            WebhooksLog.DeliveryError(logger, ex, delivery.Id, delivery.WebhookId);
            var retryAt = time.GetUtcNow() + Options.PollInterval;
            await TryReleaseAsync(claim, delivery with { NextAttemptAt = retryAt }, ClaimOutcome.Requeue).ConfigureAwait(false);
        }
    }

    private async Task TryReleaseAsync(ClaimedDelivery claim, WebhookDelivery updated, ClaimOutcome outcome)
    {
        try
        {
            await queue.ReleaseAsync(claim, updated, outcome, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease expires and the delivery comes back by itself.
            WebhooksLog.QueueError(logger, ex);
        }
    }
}
