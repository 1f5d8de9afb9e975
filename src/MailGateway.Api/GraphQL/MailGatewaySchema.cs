using GraphQL.Types;
using MailGateway.Api.GraphQL.GraphTypes;

namespace MailGateway.Api.GraphQL;

/// <summary>The gateway's GraphQL schema; checked in as <c>schema.graphql</c>.</summary>
public sealed class MailGatewaySchema : Schema
{
    public MailGatewaySchema(IServiceProvider services) : base(services)
    {
        Description = "MailGateway: IMAP mailboxes as GraphQL. Ids are the REST API's ids.";
        Query = services.GetRequiredService<QueryType>();
        Mutation = services.GetRequiredService<MutationType>();
        Subscription = services.GetRequiredService<SubscriptionType>();
    }
}
