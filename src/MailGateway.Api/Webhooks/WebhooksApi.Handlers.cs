using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MailGateway.Api.Webhooks;

/// <summary>The REST handlers of the subscriptions: HTTP shapes over <see cref="WebhookService"/> (refusals become
/// problems in <see cref="Shared.MailProblemFilter"/>).</summary>
internal static partial class WebhooksApi
{
    public static async Task<Created<WebhookResponse>> CreateWebhook(CreateWebhookRequest request, ClaimsPrincipal user,
        [FromServices] WebhookService webhooks, CancellationToken cancellationToken)
    {
        var webhook = await webhooks.CreateAsync(user, request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/webhooks/{webhook.Id}", webhook);
    }

    public static async Task<Ok<WebhookListResponse>> ListWebhooks(ClaimsPrincipal user, [FromServices] WebhookService webhooks,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new WebhookListResponse(await webhooks.ListAsync(user, cancellationToken).ConfigureAwait(false)));

    public static async Task<Ok<WebhookResponse>> GetWebhook(string webhookId, ClaimsPrincipal user, [FromServices] WebhookService webhooks,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.GetAsync(user, webhookId, cancellationToken).ConfigureAwait(false));

    public static async Task<Ok<WebhookResponse>> UpdateWebhook(string webhookId, UpdateWebhookRequest request, ClaimsPrincipal user,
        [FromServices] WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.UpdateAsync(user, webhookId, request, cancellationToken).ConfigureAwait(false));

    public static async Task<NoContent> DeleteWebhook(string webhookId, ClaimsPrincipal user, [FromServices] WebhookService webhooks,
        CancellationToken cancellationToken)
    {
        await webhooks.DeleteAsync(user, webhookId, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
