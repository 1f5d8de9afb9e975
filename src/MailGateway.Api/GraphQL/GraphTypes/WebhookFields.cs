using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Webhooks;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Webhook queries and mutations over <see cref="WebhookService"/>, the one the REST API calls (URL egress guard, secrets, queue). Need Webhooks.ReadWrite.</summary>
internal static class WebhookFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookType>>>, IEnumerable<WebhookResponse>>("webhooks")
            .Description("The caller's webhooks. Needs Webhooks.ReadWrite.")
            .ResolveAsync(async c => await Webhooks(c).ListAsync(Authorized(c), c.CancellationToken));

        query.Field<WebhookType, WebhookResponse>("webhook")
            .Description("One webhook (never its secret); null with error webhook_not_found. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => await Webhooks(c).GetAsync(Authorized(c), c.GetArgument<string>("id"), c.CancellationToken));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<WebhookType>, WebhookResponse>("createWebhook")
            .Description("Subscribes a URL to mail events; the answer carries the signing secret, once. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<CreateWebhookInputType>>("input")
            .ResolveAsync(async c => await Webhooks(c).CreateAsync(Authorized(c), c.GetArgument<CreateWebhookRequest>("input"), c.CancellationToken));

        mutation.Field<WebhookType, WebhookResponse>("updateWebhook")
            .Description("Changes URL, filters, description, enabled, or rotates the secret. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<UpdateWebhookInputType>>("input")
            .ResolveAsync(async c => await Webhooks(c).UpdateAsync(Authorized(c), c.GetArgument<string>("id"),
                c.GetArgument<UpdateWebhookRequest>("input"), c.CancellationToken));

        mutation.Field<NonNullGraphType<BooleanGraphType>, bool>("deleteWebhook")
            .Description("Removes a webhook and its delivery queue. Needs Webhooks.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                await Webhooks(c).DeleteAsync(Authorized(c), c.GetArgument<string>("id"), c.CancellationToken);
                return true;
            });
    }

    private static System.Security.Claims.ClaimsPrincipal Authorized(IResolveFieldContext context)
    {
        context.Require(Permissions.WebhooksReadWrite);
        return context.User!;
    }

    private static WebhookService Webhooks(IResolveFieldContext c) =>
        (c.RequestServices ?? throw new InvalidOperationException("No request services.")).GetRequiredService<WebhookService>();
}
