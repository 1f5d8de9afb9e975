using System.Security.Claims;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

/// <summary>
/// A caller's webhook subscriptions: list, read, create, change, remove. The REST webhooks API and the GraphQL webhook
/// fields both call this one service; refusals are <see cref="MailApiException"/>s mapped through <see cref="ErrorCatalogue"/>.
/// </summary>
internal sealed partial class WebhookService(WebhookServices s)
{
    public async Task<IReadOnlyList<WebhookResponse>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var webhooks = await s.Store.ListByOwnerAsync(Caller.From(user).OwnerId, cancellationToken).ConfigureAwait(false);
        return [.. webhooks.Select(w => WebhookResponse.From(w))];
    }

    public async Task<WebhookResponse> GetAsync(ClaimsPrincipal user, string webhookId, CancellationToken cancellationToken) =>
        WebhookResponse.From(await RequireAsync(Caller.From(user), webhookId, cancellationToken).ConfigureAwait(false));

    public async Task<WebhookResponse> CreateAsync(ClaimsPrincipal user, CreateWebhookRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if ((WebhookServices.CheckEvents(request.Events) ?? WebhookServices.CheckDescription(request.Description)) is { } invalid)
            throw invalid;
        if (await s.CheckSubscriptionAsync(user, request.Events).ConfigureAwait(false) is { } forbidden)
            throw forbidden;
        var (url, urlProblem) = await s.CheckUrlAsync(request.Url, cancellationToken).ConfigureAwait(false);
        if (urlProblem is not null)
            throw urlProblem;
        var (accountIds, accountProblem) = await s.CheckAccountsAsync(caller, request.AccountIds, cancellationToken).ConfigureAwait(false);
        if (accountProblem is not null)
            throw accountProblem;
        var max = s.Options.Value.MaxWebhooksPerUser;
        if ((await s.Store.ListByOwnerAsync(caller.OwnerId, cancellationToken).ConfigureAwait(false)).Count >= max)
            throw WebhookServices.WebhookLimitReached(max);

        var now = s.Time.GetUtcNow();
        var secret = WebhookSigner.NewSecret();
        var webhook = new Webhook
        {
            Id = WebhookServices.NewWebhookId(),
            OwnerId = caller.OwnerId,
            Url = url!,
            Events = WebhookServices.NormalizeEvents(request.Events),
            AccountIds = accountIds,
            Description = request.Description,
            ProtectedSecret = s.Secrets.Protect(secret),
            CreatedAt = now,
            UpdatedAt = now,
        };
        // Checked again atomically with the write, so concurrent creates cannot pass the cap together.
        if (!await s.Store.CreateAsync(webhook, max, cancellationToken).ConfigureAwait(false))
            throw WebhookServices.WebhookLimitReached(max);
        s.Demand.Refresh();
        WebhooksLog.Created(s.Logger, webhook.Id, caller.OwnerId);
        return WebhookResponse.From(webhook, secret);
    }

    public async Task DeleteAsync(ClaimsPrincipal user, string webhookId, CancellationToken cancellationToken)
    {
        var webhook = await RequireAsync(Caller.From(user), webhookId, cancellationToken).ConfigureAwait(false);
        await s.Store.DeleteAsync(webhook.Id, cancellationToken).ConfigureAwait(false);
        await s.Queue.DeleteWebhookAsync(webhook.Id, cancellationToken).ConfigureAwait(false);
        s.Demand.Refresh();
        WebhooksLog.Deleted(s.Logger, webhook.Id);
    }

    private async Task<Webhook> RequireAsync(Caller caller, string webhookId, CancellationToken cancellationToken) =>
        await s.FindAsync(caller, webhookId, cancellationToken).ConfigureAwait(false) ?? throw WebhookServices.WebhookNotFound();
}
