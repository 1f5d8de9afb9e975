namespace MailGateway.Api.Webhooks;

/// <summary>Webhook logs. Never a secret or a signature: ids, types, status codes and error texts only.</summary>
internal static partial class WebhooksLog
{
    [LoggerMessage(5001, LogLevel.Information, "Webhook {WebhookId} created for owner {OwnerId}", EventName = "WebhookCreated")]
    public static partial void Created(ILogger logger, string webhookId, string ownerId);

    [LoggerMessage(5002, LogLevel.Information, "Webhook {WebhookId} deleted", EventName = "WebhookDeleted")]
    public static partial void Deleted(ILogger logger, string webhookId);

    [LoggerMessage(5003, LogLevel.Information, "Webhook {WebhookId} secret rotated; the previous one signs until {Until}", EventName = "WebhookSecretRotated")]
    public static partial void SecretRotated(ILogger logger, string webhookId, DateTimeOffset until);

    [LoggerMessage(5004, LogLevel.Debug, "Delivery {DeliveryId} of {EventType} queued for webhook {WebhookId}", EventName = "WebhookDeliveryQueued")]
    public static partial void Queued(ILogger logger, string deliveryId, string eventType, string webhookId);

    [LoggerMessage(5005, LogLevel.Debug, "Delivery {DeliveryId} to webhook {WebhookId} succeeded with {StatusCode} in {DurationMs} ms", EventName = "WebhookDeliverySucceeded")]
    public static partial void Succeeded(ILogger logger, string deliveryId, string webhookId, int? statusCode, double durationMs);

    [LoggerMessage(5006, LogLevel.Information, "Delivery {DeliveryId} to webhook {WebhookId} failed (attempt {Attempt}: {Error}); next attempt at {NextAttemptAt}", EventName = "WebhookDeliveryFailed")]
    public static partial void Failed(ILogger logger, string deliveryId, string webhookId, int attempt, string? error, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(5007, LogLevel.Warning, "Delivery {DeliveryId} to webhook {WebhookId} dead-lettered after {Attempts} attempts: {Error}", EventName = "WebhookDeliveryDeadLettered")]
    public static partial void DeadLettered(ILogger logger, string deliveryId, string webhookId, int attempts, string? error);

    [LoggerMessage(5008, LogLevel.Warning, "Webhook {WebhookId} disabled: failing since {FailingSince}", EventName = "WebhookEndpointDisabled")]
    public static partial void EndpointDisabled(ILogger logger, string webhookId, DateTimeOffset failingSince);

    [LoggerMessage(5009, LogLevel.Error, "The webhook queue is unavailable; retrying", EventName = "WebhookQueueError")]
    public static partial void QueueError(ILogger logger, Exception exception);

    [LoggerMessage(5010, LogLevel.Warning, "Delivery {DeliveryId} lost its lease before it finished; another instance owns it now", EventName = "WebhookLeaseLost")]
    public static partial void LeaseLost(ILogger logger, string deliveryId);

    [LoggerMessage(5011, LogLevel.Error, "Delivery {DeliveryId} to webhook {WebhookId} could not be processed", EventName = "WebhookDeliveryError")]
    public static partial void DeliveryError(ILogger logger, Exception exception, string deliveryId, string webhookId);

    [LoggerMessage(5012, LogLevel.Warning, "Could not update which accounts webhook subscriptions need watched; retrying", EventName = "WebhookDemandError")]
    public static partial void DemandError(ILogger logger, Exception exception);
}
