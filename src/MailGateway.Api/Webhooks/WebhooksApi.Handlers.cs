using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

internal static partial class WebhooksApi
{
    public static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> CreateWebhook(
        CreateWebhookRequest request, ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if ((WebhookServices.CheckEvents(request.Events) ?? WebhookServices.CheckDescription(request.Description)) is { } invalid)
            return invalid;
        if (await s.CheckSubscriptionAsync(user, request.Events) is { } forbidden)
            return forbidden;
        var (url, urlProblem) = await s.CheckUrlAsync(request.Url, cancellationToken);
        if (urlProblem is not null)
            return urlProblem;
        var (accountIds, accountProblem) = await s.CheckAccountsAsync(caller, request.AccountIds, cancellationToken);
        if (accountProblem is not null)
            return accountProblem;

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
        await s.Store.SaveAsync(webhook, cancellationToken);
        s.Demand.Refresh();
        WebhooksLog.Created(s.Logger, webhook.Id, caller.OwnerId);
        return TypedResults.Created($"/api/v1/webhooks/{webhook.Id}", WebhookResponse.From(webhook, secret));
    }

    public static async Task<Ok<WebhookListResponse>> ListWebhooks(
        ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var webhooks = await s.Store.ListByOwnerAsync(Caller.From(user).OwnerId, cancellationToken);
        return TypedResults.Ok(new WebhookListResponse([.. webhooks.Select(w => WebhookResponse.From(w))]));
    }

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetWebhook(
        string webhookId, ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var webhook = await s.FindAsync(Caller.From(user), webhookId, cancellationToken);
        return webhook is null ? WebhookServices.WebhookNotFound() : TypedResults.Ok(WebhookResponse.From(webhook));
    }

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> UpdateWebhook(
        string webhookId, UpdateWebhookRequest request, ClaimsPrincipal user, [AsParameters] WebhookServices s,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var webhook = await s.FindAsync(caller, webhookId, cancellationToken);
        if (webhook is null)
            return WebhookServices.WebhookNotFound();
        if ((WebhookServices.CheckEvents(request.Events) ?? WebhookServices.CheckDescription(request.Description)) is { } invalid)
            return invalid;
        if (request.Events is not null && await s.CheckSubscriptionAsync(user, request.Events) is { } forbidden)
            return forbidden;
        var now = s.Time.GetUtcNow();
        var updated = webhook with { UpdatedAt = now };
        if (request.Url is not null)
        {
            var (url, problem) = await s.CheckUrlAsync(request.Url, cancellationToken);
            if (problem is not null)
                return problem;
            updated = updated with { Url = url! };
        }
        if (request.AccountIds is not null)
        {
            var (accountIds, problem) = await s.CheckAccountsAsync(caller, request.AccountIds, cancellationToken);
            if (problem is not null)
                return problem;
            updated = updated with { AccountIds = accountIds };
        }
        if (request.Events is not null)
            updated = updated with { Events = WebhookServices.NormalizeEvents(request.Events) };
        if (request.Description is not null)
            updated = updated with { Description = request.Description.Length == 0 ? null : request.Description };
        var reEnabled = request.Enabled == true && !webhook.Enabled;
        if (request.Enabled is { } enabled)
            updated = updated with { Enabled = enabled, DisabledReason = null, FailingSince = enabled ? null : updated.FailingSince };

        string? secret = null;
        if (request.RotateSecret == true)
        {
            secret = WebhookSigner.NewSecret();
            var until = now + s.Options.Value.SecretRotationGrace;
            updated = updated with
            {
                ProtectedSecret = s.Secrets.Protect(secret),
                ProtectedPreviousSecret = webhook.ProtectedSecret,
                PreviousSecretExpiresAt = until,
            };
            WebhooksLog.SecretRotated(s.Logger, webhook.Id, until);
        }
        await s.Store.SaveAsync(updated, cancellationToken);
        s.Demand.Refresh();
        if (reEnabled)
            await s.Queue.UnparkAsync(webhook.Id, now, cancellationToken);
        return TypedResults.Ok(WebhookResponse.From(updated, secret));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(
        string webhookId, ClaimsPrincipal user, [AsParameters] WebhookServices s, CancellationToken cancellationToken)
    {
        var webhook = await s.FindAsync(Caller.From(user), webhookId, cancellationToken);
        if (webhook is null)
            return WebhookServices.WebhookNotFound();
        await s.Store.DeleteAsync(webhook.Id, cancellationToken);
        await s.Queue.DeleteWebhookAsync(webhook.Id, cancellationToken);
        s.Demand.Refresh();
        WebhooksLog.Deleted(s.Logger, webhook.Id);
        return TypedResults.NoContent();
    }
}
