using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using MailGateway.Api.Accounts;
using MailGateway.Api.GraphQL.Batching;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Account.mailboxes, Account.mailbox(id) and Account.messages(mailboxId, ...), batch-loaded per account.</summary>
internal static class AccountMailFields
{
    public static void Add(ObjectGraphType<AccountResponse> type)
    {
        // Nullable: an account whose server fails answers null here with an error at its path; the other accounts stay.
        type.Field<ListGraphType<NonNullGraphType<MailboxType>>, IDataLoaderResult<IEnumerable<MailboxNode>>>("mailboxes")
            .Description("The account's mailboxes with counters (one IMAP LIST-STATUS per account, however often asked); null with an error when the server fails. Needs Mail.Read.")
            .Resolve(c => c.Service<GraphQLLoaders>().Mailboxes(c, c.Source.Id)
                .Then(list => list.Select(m => new MailboxNode(c.Source.Id, m))));

        type.Field<MailboxType, IDataLoaderResult<MailboxNode?>>("mailbox")
            .Description("One mailbox by id; null with error mailbox_not_found when it does not exist. Needs Mail.Read.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(c =>
            {
                var id = c.GetArgument<string>("id");
                return c.Service<GraphQLLoaders>().Mailboxes(c, c.Source.Id).Then(list =>
                    list.FirstOrDefault(m => m.Id == id) is { } found
                        ? (MailboxNode?)new MailboxNode(c.Source.Id, found)
                        : throw GraphQLErrors.Create(GraphQLErrors.MailboxNotFound, "The mailbox was not found."));
            });

        MessageConnectionField.Add(type, withMailboxArgument: true);
    }
}
