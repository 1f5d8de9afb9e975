using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using MailGateway.Api.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

internal static partial class WebhooksApi
{
    public static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> TestWebhook(
        string webhookId, ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var webhook = await s.FindAsync(Caller.From(user), webhookId, cancellationToken);
        if (webhook is null)
            return WebhookServices.WebhookNotFound().ToProblem();
        if (!webhook.Enabled)
            return ApiProblems.Create(StatusCodes.Status409Conflict, "webhook_disabled", "The webhook is disabled; enable it first.");
        if (await s.CheckPendingAsync(webhook.Id, cancellationToken) is { } tooMany)
            throw tooMany;
        var now = s.Time.GetUtcNow();
        var data = JsonSerializer.SerializeToElement(new { webhookId = webhook.Id, message = "This is a test event from MailGateway." });
        var testEvent = new MailEvent("evt_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            MailEventTypes.WebhookTest, now, "", data);
        var delivery = await s.Enqueuer.EnqueueAsync(webhook, testEvent, cancellationToken);
        return TypedResults.Accepted($"/api/v1/webhooks/{webhook.Id}/deliveries/{delivery.Id}", DeliveryResponse.From(delivery));
    }

    public static async Task<Results<Ok<DeliveryListResponse>, ProblemHttpResult>> ListDeliveries(
        string webhookId, int? limit, ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var webhook = await s.FindAsync(Caller.From(user), webhookId, cancellationToken);
        if (webhook is null)
            return WebhookServices.WebhookNotFound().ToProblem();
        if (limit is < 1 or > 1000)
            return ApiProblems.Validation("'limit' must be between 1 and 1000.");
        var deliveries = await s.Queue.ListAsync(webhook.Id, limit ?? 100, cancellationToken);
        return TypedResults.Ok(new DeliveryListResponse([.. deliveries.Select(DeliveryResponse.From)]));
    }

    public static async Task<Results<Ok<DeliveryResponse>, ProblemHttpResult>> GetDelivery(
        string webhookId, string deliveryId, ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var webhook = await s.FindAsync(Caller.From(user), webhookId, cancellationToken);
        if (webhook is null)
            return WebhookServices.WebhookNotFound().ToProblem();
        var delivery = await s.Queue.GetAsync(webhook.Id, deliveryId, cancellationToken);
        return delivery is null ? WebhookServices.DeliveryNotFound().ToProblem() : TypedResults.Ok(DeliveryResponse.From(delivery));
    }

    public static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> RetryDelivery(
        string webhookId, string deliveryId, ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var webhook = await s.FindAsync(Caller.From(user), webhookId, cancellationToken);
        if (webhook is null)
            return WebhookServices.WebhookNotFound().ToProblem();
        var delivery = await s.Queue.GetAsync(webhook.Id, deliveryId, cancellationToken);
        if (delivery is null || delivery.State == DeliveryState.Notice)
            return WebhookServices.DeliveryNotFound().ToProblem();
        if (delivery.State is DeliveryState.Succeeded or DeliveryState.DeadLettered && await s.CheckPendingAsync(webhook.Id, cancellationToken) is { } tooMany)
            throw tooMany;
        var now = s.Time.GetUtcNow();
        // A finished delivery gets one more attempt; one still on its schedule is just moved to now.
        var finished = delivery.State is DeliveryState.Succeeded or DeliveryState.DeadLettered;
        var updated = delivery with
        {
            State = finished ? DeliveryState.Pending : delivery.State,
            ManualRetry = finished || delivery.ManualRetry,
            NextAttemptAt = now,
        };
        var requeued = await s.Queue.RequeueAsync(updated, now, cancellationToken);
        if (requeued is null)
            return WebhookServices.DeliveryNotFound().ToProblem();
        if (requeued == false)
            return ApiProblems.Create(StatusCodes.Status409Conflict, "delivery_in_progress", "An attempt of this delivery is in flight.");
        s.Enqueuer.Wake();
        return TypedResults.Accepted($"/api/v1/webhooks/{webhook.Id}/deliveries/{delivery.Id}", DeliveryResponse.From(updated));
    }
}
