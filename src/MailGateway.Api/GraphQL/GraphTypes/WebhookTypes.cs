using GraphQL.Types;
using MailGateway.Api.Webhooks;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>A webhook subscription (REST <c>WebhookResponse</c>); the secret only in the answer to creation and rotation.</summary>
public sealed class WebhookType : ObjectGraphType<WebhookResponse>
{
    public WebhookType()
    {
        Name = "Webhook";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>, string>("url").Resolve(c => c.Source.Url);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("events")
            .Description("Event types or area.* wildcards; empty = every event.").Resolve(c => c.Source.Events);
        Field<ListGraphType<NonNullGraphType<IdGraphType>>, IEnumerable<string>>("accountIds")
            .Description("Null = every account of the owner.").Resolve(c => c.Source.AccountIds);
        Field<StringGraphType, string>("description").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<BooleanGraphType>, bool>("enabled").Resolve(c => c.Source.Enabled);
        Field<StringGraphType, string>("disabledReason").Resolve(c => c.Source.DisabledReason);
        Field<DateTimeOffsetGraphType, DateTimeOffset?>("failingSince").Resolve(c => c.Source.FailingSince);
        Field<NonNullGraphType<DateTimeOffsetGraphType>, DateTimeOffset>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<DateTimeOffsetGraphType>, DateTimeOffset>("updatedAt").Resolve(c => c.Source.UpdatedAt);
        Field<DateTimeOffsetGraphType, DateTimeOffset?>("previousSecretExpiresAt").Resolve(c => c.Source.PreviousSecretExpiresAt);
        Field<StringGraphType, string>("secret")
            .Description("The signing secret (whsec_...): only in the answer to createWebhook and to updateWebhook with rotateSecret.")
            .Resolve(c => c.Source.Secret);
    }
}

public sealed class CreateWebhookInputType : InputObjectGraphType<CreateWebhookRequest>
{
    public CreateWebhookInputType()
    {
        Name = "CreateWebhookInput";
        Field<NonNullGraphType<StringGraphType>>("url");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("events");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("accountIds");
        Field<StringGraphType>("description");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new CreateWebhookRequest(
        value.Get<string>("url"), BatchMessagesInputType.Strings(value, "events"), BatchMessagesInputType.Strings(value, "accountIds"),
        value.Get<string>("description"));
}

public sealed class UpdateWebhookInputType : InputObjectGraphType<UpdateWebhookRequest>
{
    public UpdateWebhookInputType()
    {
        Name = "UpdateWebhookInput";
        Description = "Only the fields given change.";
        Field<StringGraphType>("url");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("events");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("accountIds");
        Field<StringGraphType>("description");
        Field<BooleanGraphType>("enabled");
        Field<BooleanGraphType>("rotateSecret").Description("true: a new secret, answered once; the previous one keeps signing for a grace period.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new UpdateWebhookRequest(
        value.Get<string>("url"), BatchMessagesInputType.Strings(value, "events"), BatchMessagesInputType.Strings(value, "accountIds"),
        value.Get<string>("description"), value.Get<bool?>("enabled"), value.Get<bool?>("rotateSecret"));
}
