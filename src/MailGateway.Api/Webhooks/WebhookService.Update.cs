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
        await s.Store.SaveAsync(updated, cancellationToken).ConfigureAwait(false);
        s.Demand.Refresh();
        if (reEnabled)
            await s.Queue.UnparkAsync(webhook.Id, now, cancellationToken).ConfigureAwait(false);
        return WebhookResponse.From(updated, secret);
    }
}
