using System.Security.Claims;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

internal sealed partial class WebhookService
{
    public async Task<WebhookResponse> UpdateAsync(ClaimsPrincipal user, string webhookId, UpdateWebhookRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var webhook = await RequireAsync(caller, webhookId, cancellationToken).ConfigureAwait(false);
        if ((WebhookServices.CheckEvents(request.Events) ?? WebhookServices.CheckDescription(request.Description)) is { } invalid)
            throw invalid;
        if (request.Events is not null && await s.CheckSubscriptionAsync(user, request.Events).ConfigureAwait(false) is { } forbidden)
            throw forbidden;
        var now = s.Time.GetUtcNow();
        var updated = webhook with { UpdatedAt = now };
        if (request.Url is not null)
        {
            var (url, problem) = await s.CheckUrlAsync(request.Url, cancellationToken).ConfigureAwait(false);
            updated = updated with { Url = problem is null ? url! : throw problem };
        }
        if (request.AccountIds is not null)
        {
            var (accountIds, problem) = await s.CheckAccountsAsync(caller, request.AccountIds, cancellationToken).ConfigureAwait(false);
            updated = updated with { AccountIds = problem is null ? accountIds : throw problem };
        }
        if (request.Events is not null)
            updated = updated with { Events = WebhookServices.NormalizeEvents(request.Events) };
        if (request.Description is not null)
            updated = updated with { Description = request.Description.Length == 0 ? null : request.Description };
        string? secret = null;
        string? protectedSecret = null;
        var until = now + s.Options.Value.SecretRotationGrace;
        if (request.RotateSecret == true)
        {
            secret = WebhookSigner.NewSecret();
            protectedSecret = s.Secrets.Protect(secret);
        }
        // Field-level compare-and-set: the URL check above may wait on DNS, and the dispatcher may record a failure or
        // disable the endpoint meanwhile; a delete made meanwhile must not be undone by writing back the record read first.
        var reEnabled = false;
        var saved = await s.Store.UpdateAsync(webhook.Id, current =>
        {
            reEnabled = request.Enabled == true && !current.Enabled;
            return Changes(current, updated, request, protectedSecret, until);
        }, cancellationToken).ConfigureAwait(false) ?? throw WebhookServices.WebhookNotFound();
        if (secret is not null)
            WebhooksLog.SecretRotated(s.Logger, webhook.Id, until);
        s.Demand.Refresh();
        if (reEnabled)
            await s.Queue.UnparkAsync(webhook.Id, now, cancellationToken).ConfigureAwait(false);
        return WebhookResponse.From(saved, secret);
    }

    /// <summary>The fields a PATCH asked for, applied to the record as it is now; the others stay as they are.</summary>
    private static Webhook Changes(Webhook current, Webhook updated, UpdateWebhookRequest request, string? protectedSecret, DateTimeOffset until)
    {
        var changed = current with
        {
            UpdatedAt = updated.UpdatedAt,
            Url = request.Url is null ? current.Url : updated.Url,
            AccountIds = request.AccountIds is null ? current.AccountIds : updated.AccountIds,
            Events = request.Events is null ? current.Events : updated.Events,
            Description = request.Description is null ? current.Description : updated.Description,
        };
        if (request.Enabled is { } enabled)
            changed = changed with { Enabled = enabled, DisabledReason = null, FailingSince = enabled ? null : current.FailingSince };
        if (protectedSecret is not null)
            changed = changed with { ProtectedSecret = protectedSecret, ProtectedPreviousSecret = current.ProtectedSecret, PreviousSecretExpiresAt = until };
        return changed;
    }
}
