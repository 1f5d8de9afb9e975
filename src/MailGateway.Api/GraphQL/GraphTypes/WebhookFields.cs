using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Webhooks;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Webhook queries and mutations: the REST webhook handlers themselves (URL egress guard, secrets, queue). Need Webhooks.ReadWrite.</summary>
internal static class WebhookFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookType>>>, IEnumerable<WebhookResponse>>("webhooks")
            .Description("The caller's webhooks. Needs Webhooks.ReadWrite.")
            .ResolveAsync(async c => RestResults.Value<WebhookListResponse>(
                await WebhooksApi.ListWebhooks(Authorized(c), Services(c), c.CancellationToken)).Items);

        query.Field<WebhookType, WebhookResponse>("webhook")
            .Description("One webhook (never its secret); null with error webhook_not_found. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => RestResults.Value<WebhookResponse>(
                (await WebhooksApi.GetWebhook(c.GetArgument<string>("id"), Authorized(c), Services(c), c.CancellationToken)).Result));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<WebhookType>, WebhookResponse>("createWebhook")
            .Description("Subscribes a URL to mail events; the answer carries the signing secret, once. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<CreateWebhookInputType>>("input")
            .ResolveAsync(async c => RestResults.Value<WebhookResponse>((await WebhooksApi.CreateWebhook(
                c.GetArgument<CreateWebhookRequest>("input"), Authorized(c), Services(c), c.CancellationToken)).Result));

        mutation.Field<WebhookType, WebhookResponse>("updateWebhook")
            .Description("Changes URL, filters, description, enabled, or rotates the secret. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<UpdateWebhookInputType>>("input")
            .ResolveAsync(async c => RestResults.Value<WebhookResponse>((await WebhooksApi.UpdateWebhook(c.GetArgument<string>("id"),
                c.GetArgument<UpdateWebhookRequest>("input"), Authorized(c), Services(c), c.CancellationToken)).Result));

        mutation.Field<NonNullGraphType<BooleanGraphType>, bool>("deleteWebhook")
            .Description("Removes a webhook and its delivery queue. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                RestResults.Success((await WebhooksApi.DeleteWebhook(c.GetArgument<string>("id"), Authorized(c), Services(c), c.CancellationToken)).Result);
                return true;
            });
    }

    private static System.Security.Claims.ClaimsPrincipal Authorized(IResolveFieldContext context)
    {
        context.Require(Permissions.WebhooksReadWrite);
        return context.User!;
    }

    /// <summary>The handlers' [AsParameters] record, built from the operation's services (whatever it needs).</summary>
    private static WebhookServices Services(IResolveFieldContext c) =>
        ActivatorUtilities.CreateInstance<WebhookServices>(c.RequestServices ?? throw new InvalidOperationException("No request services."));
}
