namespace MailGateway.Api.Webhooks;

/// <summary>
/// The durable delivery queue (Redis when configured, else in memory). Deliveries of one endpoint are claimed in
/// due/event order with at most <c>MaxConcurrencyPerEndpoint</c> under lease at once; an endpoint whose slots are all
/// in flight is skipped, so its backlog never delays other endpoints; an expired lease (killed instance) puts the
/// delivery back.
/// </summary>
internal interface IWebhookQueue
{
    /// <summary>Adds the delivery due at <see cref="WebhookDelivery.NextAttemptAt"/>; false when that id already exists.</summary>
    Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>The next due delivery whose endpoint has room, now under lease; null when none.</summary>
    Task<ClaimedDelivery?> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="updated"/> and releases the lease: requeued at its NextAttemptAt, finished, or parked
    /// (endpoint disabled). False when the lease was lost meanwhile.</summary>
    Task<bool> ReleaseAsync(ClaimedDelivery claim, WebhookDelivery updated, ClaimOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>Puts parked deliveries of a re-enabled endpoint back in the queue.</summary>
    Task UnparkAsync(string webhookId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Makes a delivery due now with <paramref name="updated"/> stored; null when not found, false when in flight.</summary>
    Task<bool?> RequeueAsync(WebhookDelivery updated, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<WebhookDelivery?> GetAsync(string webhookId, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>The delivery log of an endpoint, newest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListAsync(string webhookId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Adds a log entry that is not delivered (e.g. <c>endpoint.disabled</c>).</summary>
    Task AddNoticeAsync(WebhookDelivery notice, CancellationToken cancellationToken = default);

    /// <summary>Forgets every delivery of a deleted endpoint.</summary>
    Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>When the earliest queued delivery is due (null when the queue is empty).</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);

    /// <summary>Deliveries waiting or in flight.</summary>
    Task<long> DepthAsync(CancellationToken cancellationToken = default);

    /// <summary>Deliveries of one endpoint waiting or in flight (the per-endpoint cap counts these).</summary>
    Task<long> PendingAsync(string webhookId, CancellationToken cancellationToken = default);
}
