using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

/// <summary>What <see cref="WebhookService"/> and the delivery handlers use (bound with <c>[AsParameters]</c> there), and the request checks;
/// a refused check is a <see cref="MailApiException"/> to throw.</summary>
internal sealed record WebhookServices(
    IWebhookStore Store, IWebhookQueue Queue, WebhookEgressGuard Guard, WebhookSecrets Secrets, IAccountAccess Accounts, GatewayAuthorization Authorization,
    WebhookEnqueuer Enqueuer, WebhookWatchDemand Demand, IOptions<WebhookOptions> Options, TimeProvider Time, ILogger<WebhookServices> Logger)
{
    public const int MaxFilters = 50;
    public const int MaxAccounts = 100;
    public const int MaxDescription = 500;
    public const int MaxUrl = 2048;

    public static string NewWebhookId() =>
        "wh_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    /// <summary>The caller's webhook, or null (answered 404 for other callers' webhooks too).</summary>
    public async Task<Webhook?> FindAsync(Caller caller, string webhookId, CancellationToken cancellationToken)
    {
        var webhook = await Store.GetAsync(webhookId, cancellationToken).ConfigureAwait(false);
        return webhook is not null && webhook.OwnerId == caller.OwnerId ? webhook : null;
    }

    /// <summary>403 <c>forbidden</c> when the filters deliver mail events and the caller may not read mail.</summary>
    public async Task<MailApiException?> CheckSubscriptionAsync(System.Security.Claims.ClaimsPrincipal user, IReadOnlyList<string>? events) =>
        await Authorization.MaySubscribeAsync(user, events).ConfigureAwait(false) ? null
            : new MailApiException(StatusCodes.Status403Forbidden, "insufficient_scope", "Subscribing to message or mailbox events needs Mail.Read.",
                "Give the token Mail.Read, or subscribe only to account.* events.");

    public async Task<(Uri? Url, MailApiException? Problem)> CheckUrlAsync(string? text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxUrl || !Uri.TryCreate(text, UriKind.Absolute, out var url))
            return (null, MailApiException.Validation($"'url' must be an absolute http(s) URL of at most {MaxUrl} characters."));
        if (!string.IsNullOrEmpty(url.Fragment))
            return (null, MailApiException.Validation("'url' must not have a fragment."));
        var refusal = await Guard.CheckUrlAsync(url, cancellationToken).ConfigureAwait(false);
        return refusal is null
            ? (url, null)
            : (null, new MailApiException(StatusCodes.Status400BadRequest, ErrorCodes.WebhookUrlForbidden, "The URL is not an allowed webhook destination.", refusal));
    }

    public static MailApiException? CheckEvents(IReadOnlyList<string>? events)
    {
        if (events is null)
            return null;
        if (events.Count > MaxFilters)
            return MailApiException.Validation($"'events' takes at most {MaxFilters} entries.");
        foreach (var filter in events)
        {
            if (filter is null || !WebhookEventFilter.IsValid(filter))
                return MailApiException.Validation($"'events' entry '{filter}' is not an event type (e.g. 'message.created') or wildcard (e.g. 'message.*').");
        }
        return null;
    }

    public static MailApiException? CheckDescription(string? description) =>
        description is { Length: > MaxDescription } ? MailApiException.Validation($"'description' takes at most {MaxDescription} characters.") : null;

    /// <summary>Every listed account must be one of the caller's own (404 otherwise, like any account route).</summary>
    public async Task<(IReadOnlyList<string>? Ids, MailApiException? Problem)> CheckAccountsAsync(
        Caller caller, IReadOnlyList<string>? accountIds, CancellationToken cancellationToken)
    {
        if (accountIds is null || accountIds.Count == 0)
            return (null, null);
        if (accountIds.Count > MaxAccounts)
            return (null, MailApiException.Validation($"'accountIds' takes at most {MaxAccounts} entries."));
        foreach (var id in accountIds)
        {
            if (string.IsNullOrWhiteSpace(id))
                return (null, MailApiException.Validation("'accountIds' entries must not be empty."));
            var account = await Accounts.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
            if (account is null || account.OwnerId != caller.OwnerId)
                return (null, MailApiException.AccountNotFound());
        }
        return ([.. accountIds.Distinct(StringComparer.Ordinal)], null);
    }

    public static IReadOnlyList<string> NormalizeEvents(IReadOnlyList<string>? events) =>
        events is null ? [] : [.. events.Distinct(StringComparer.Ordinal)];

    public static MailApiException WebhookNotFound() => new(StatusCodes.Status404NotFound, "webhook_not_found", "The webhook was not found.");
    public static MailApiException WebhookLimitReached(int max) => new(StatusCodes.Status409Conflict, "webhook_limit_reached",
        "This user has the most webhooks allowed.", $"At most {max} webhooks per user (Webhooks:MaxWebhooksPerUser); delete one first.");

    /// <summary>429 when the endpoint already has <c>MaxPendingPerEndpoint</c> deliveries waiting or in flight.</summary>
    public async Task<MailApiException?> CheckPendingAsync(string webhookId, CancellationToken cancellationToken)
    {
        var max = Options.Value.MaxPendingPerEndpoint;
        return await Queue.PendingAsync(webhookId, cancellationToken).ConfigureAwait(false) < max ? null
            : new MailApiException(StatusCodes.Status429TooManyRequests, "too_many_pending_deliveries",
                "This webhook has too many deliveries waiting.", $"At most {max} deliveries per webhook may wait (Webhooks:MaxPendingPerEndpoint).")
            { RetryAfter = TimeSpan.FromSeconds(60) };
    }

    public static MailApiException DeliveryNotFound() => new(StatusCodes.Status404NotFound, "delivery_not_found", "The delivery was not found.");
}
