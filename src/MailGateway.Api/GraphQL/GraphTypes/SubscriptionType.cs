using GraphQL.Types;
using MailGateway.Api.Events;
using MailGateway.Api.GraphQL.Subscriptions;

namespace MailGateway.Api.GraphQL.GraphTypes;

public sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType()
    {
        Name = "Subscription";
        Field<NonNullGraphType<MailEventType>, MailEvent>("mailEvents")
            .Description("Live events of one of the caller's accounts (over graphql-transport-ws on /graphql). Needs Mail.Read. " +
                         "An account the caller may not see closes the socket with 4403.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("types", "Only these event types, e.g. [\"message.created\"]; all when omitted.")
            .ResolveStreamAsync(MailEventSubscription.SubscribeAsync);
    }
}
