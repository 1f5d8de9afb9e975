using System.Text.Json.Serialization;

namespace MailGateway.Api.Webhooks;

/// <param name="Events">Type names or <c>area.*</c> wildcards; omitted or empty = every event.</param>
/// <param name="AccountIds">The caller's own accounts; omitted or empty = all of them, including accounts added later.</param>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, IReadOnlyList<string>? AccountIds, string? Description);

/// <summary>Every field is optional; only those present change. <c>rotateSecret: true</c> answers a new secret once.</summary>
public sealed record UpdateWebhookRequest(
    string? Url, IReadOnlyList<string>? Events, IReadOnlyList<string>? AccountIds, string? Description, bool? Enabled, bool? RotateSecret);

/// <param name="AccountIds">Null = every account of the owner.</param>
/// <param name="Secret">Only in the answer to creation and to a rotation.</param>
/// <param name="PreviousSecretExpiresAt">Until then the previous secret also signs each delivery.</param>
public sealed record WebhookResponse(
    string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? AccountIds, string? Description,
    bool Enabled, string? DisabledReason, DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? PreviousSecretExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static WebhookResponse From(Webhook w, string? secret = null) => new(
        w.Id, w.Url.OriginalString, w.Events, w.AccountIds, w.Description, w.Enabled, w.DisabledReason, w.FailingSince,
        w.CreatedAt, w.UpdatedAt, w.PreviousSecretExpiresAt, secret);
}

public sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Items);

/// <param name="Kind"><c>delivery</c>, or <c>notice</c> for log entries such as <c>endpoint.disabled</c>.</param>
public sealed record DeliveryResponse(
    string Id, string Kind, string? EventId, string EventType, DeliveryState State, DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt, int AttemptCount, int? LastStatusCode, string? LastError, double? LastDurationMs,
    IReadOnlyList<WebhookAttempt> Attempts, string? Note)
{
    public static DeliveryResponse From(WebhookDelivery d)
    {
        var last = d.Attempts.Count > 0 ? d.Attempts[^1] : null;
        return new(d.Id, d.State == DeliveryState.Notice ? "notice" : "delivery", d.EventId, d.EventType, d.State, d.CreatedAt,
            d.NextAttemptAt, d.Attempts.Count, last?.StatusCode, last?.Error, last?.DurationMs, d.Attempts, d.Note);
    }
}

public sealed record DeliveryListResponse(IReadOnlyList<DeliveryResponse> Items);
