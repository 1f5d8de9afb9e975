using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace MailGateway.Api.Webhooks;

[JsonConverter(typeof(JsonStringEnumConverter<DeliveryState>))]
public enum DeliveryState
{
    /// <summary>Not attempted yet, or an attempt is in flight.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>The last attempt failed; the next one is scheduled.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    /// <summary>The schedule is exhausted; kept and listed, can be retried by hand.</summary>
    [JsonStringEnumMemberName("deadLettered")] DeadLettered,
    /// <summary>An entry of the delivery log that is not a delivery (e.g. <c>endpoint.disabled</c>).</summary>
    [JsonStringEnumMemberName("notice")] Notice,
}

/// <param name="Code">Null on success, else the failure's code from <see cref="Shared.ErrorCatalogue"/> (<see cref="Shared.ErrorCatalogue.DeliveryFailure"/>).</param>
public sealed record WebhookAttempt(DateTimeOffset At, int? StatusCode, double DurationMs, string? Error, string? Code = null)
{
    public static WebhookAttempt Failed(DateTimeOffset at, int? statusCode, double durationMs, Shared.ApiError failure) =>
        new(at, statusCode, durationMs, failure.Message, failure.Code);
}

/// <summary>One event on its way to one subscription; also the record of the delivery log.</summary>
public sealed record WebhookDelivery
{
    public const string EndpointDisabled = "endpoint.disabled";

    public required string Id { get; init; }
    public required string WebhookId { get; init; }
    public string? EventId { get; init; }
    public required string EventType { get; init; }
    /// <summary>The exact JSON body sent on every attempt.</summary>
    public string? Body { get; init; }
    public DeliveryState State { get; init; } = DeliveryState.Pending;
    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];
    /// <summary>Set by a manual retry: one more attempt, dead-lettered again if it fails.</summary>
    public bool ManualRetry { get; init; }
    public long Sequence { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? Note { get; init; }

    /// <summary>Delivery id = hash(webhook id, event id), so enqueueing an event twice for a subscription is a no-op.</summary>
    public static string IdFor(string webhookId, string eventId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{webhookId}\n{eventId}"));
        return "dlv_" + Base64Url(hash.AsSpan(0, 18));
    }

    public static string NewNoticeId() => "ntc_" + Base64Url(RandomNumberGenerator.GetBytes(12));

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A delivery this instance holds under a lease until it completes, parks or the lease expires.</summary>
internal sealed record ClaimedDelivery(WebhookDelivery Delivery, string LeaseToken);

/// <summary>What becomes of a claimed delivery.</summary>
internal enum ClaimOutcome { Requeue, Finish, Park }
