using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.GraphTypes;

public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        Field<NonNullGraphType<MeType>, Caller>("me").Description("The caller as the gateway sees the token.").Resolve(c => c.Caller());

        Field<NonNullGraphType<ListGraphType<AccountType>>, IEnumerable<AccountResponse>>("accounts")
            .Description("The caller's accounts (all accounts for an admin). Needs Mail.Read.")
            .ResolveAsync(AccountResolvers.ListAsync);

        Field<AccountType, AccountResponse>("account")
            .Description("One account; null with error account_not_found when it is not the caller's. Needs Mail.Read.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(c => AccountResolvers.GetAsync(c, c.GetArgument<string>("id")));

        MessageQueryFields.Add(this);
        WebhookFields.AddQueries(this);
    }
}
