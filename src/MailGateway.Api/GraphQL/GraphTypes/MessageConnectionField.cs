using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using MailGateway.Api.GraphQL.Batching;
using MailGateway.Api.Messages;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary><c>messages(first, after, filter)</c> on Mailbox, and <c>messages(mailboxId, first, after, filter)</c> on Account.</summary>
internal static class MessageConnectionField
{
    public static void Add<TSource>(ObjectGraphType<TSource> type, bool withMailboxArgument)
    {
        // Nullable: one mailbox's failure is an error at its path, not a null for the whole answer.
        var field = type.Field<MessageConnectionType, IDataLoaderResult<MessageConnection>>("messages")
            .Description("Messages newest first, as a Relay connection. first: 1-200 (default 50). Needs Mail.Read.");
        if (withMailboxArgument) field.Argument<NonNullGraphType<IdGraphType>>("mailboxId");
        field.Argument<IntGraphType>("first", "Page size, 1-200.", a => a.DefaultValue = MessageQueryRules.DefaultLimit)
            .Argument<StringGraphType>("after", "endCursor (or an edge's cursor) of the previous page, with the same filter.")
            .Argument<MessageFilterInputType>("filter")
            .Resolve(context =>
            {
                var (accountId, mailboxId) = context.Source switch
                {
                    MailboxNode m => (m.AccountId, m.Mailbox.Id),
                    Accounts.AccountResponse a => (a.Id, context.GetArgument<string>("mailboxId")),
                    _ => throw new InvalidOperationException("messages on an unexpected type."),
                };
                var first = context.GetArgument("first", MessageQueryRules.DefaultLimit);
                var max = Math.Min(context.Service<IOptions<GraphQLApiOptions>>().Value.MaxFirst, MessageQueryRules.MaxLimit);
                if (first < 1 || first > max) throw GraphQLErrors.Validation($"first must be between 1 and {max}.");
                var key = new MessagePageKey(accountId, mailboxId, first, context.GetArgument<string?>("after"),
                    context.GetArgument<MessageFilter?>("filter") ?? new MessageFilter());
                return context.Service<GraphQLLoaders>().Messages(context, key).Then(result => new MessageConnection(accountId, result));
            });
    }
}
