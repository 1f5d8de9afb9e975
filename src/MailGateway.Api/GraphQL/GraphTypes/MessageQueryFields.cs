using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Changes;
using MailGateway.Api.Messages;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Query.message and Query.changes: thin calls to the services of the REST endpoints.</summary>
internal static class MessageQueryFields
{
    public static void Add(ObjectGraphType query)
    {
        query.Field<MessageType, MessageNode>("message")
            .Description("One whole message; null with error message_not_found or stale_message_id. Needs Mail.Read.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<BooleanGraphType>("rawHtml", "true: the HTML as sent, unsanitized.", a => a.DefaultValue = false)
            .Argument<BooleanGraphType>("allowRemoteContent", "true: keep remote images and CSS URLs in the sanitized HTML.", a => a.DefaultValue = false)
            .WithComplexityImpact(GraphQLBodyBudget.MessageFieldCost)
            .ResolveAsync(async c =>
            {
                GraphQLBodyBudget.EnsureRoom(c);
                var accountId = c.GetArgument<string>("accountId");
                var detail = await c.Service<MessageService>().GetAsync(c.RequireMailRead(), accountId, c.GetArgument<string>("id"),
                    c.GetArgument("rawHtml", false), c.GetArgument("allowRemoteContent", false), c.CancellationToken);
                GraphQLBodyBudget.Charge(c, detail.Size);
                return new MessageNode(accountId, detail);
            });

        query.Field<ChangesType, ChangesDto>("changes")
            .Description("What changed in a mailbox since a state (from MessageConnection.state or an earlier answer); " +
                         "error cannot_calculate_changes when the state is too old or the mailbox was recreated. Needs Mail.Read.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("mailboxId")
            .Argument<NonNullGraphType<StringGraphType>>("since")
            .Argument<IntGraphType>("maxChanges", $"1-{ChangeService.MaxChanges} (default {ChangeService.DefaultMaxChanges}).")
            .ResolveAsync(async c => await c.Service<ChangeService>().GetChangesAsync(c.RequireMailRead(), c.GetArgument<string>("accountId"),
                c.GetArgument<string>("mailboxId"), c.GetArgument<string>("since"), c.GetArgument<int?>("maxChanges"), c.CancellationToken));
    }
}

public sealed class ChangesType : ObjectGraphType<ChangesDto>
{
    public ChangesType()
    {
        Name = "Changes";
        Description = "Message ids created, updated (flags) and destroyed since a state.";
        Field<NonNullGraphType<StringGraphType>, string>("state").Description("The new state: pass it as since next time.").Resolve(c => c.Source.State);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>, IEnumerable<string>>("created").Resolve(c => c.Source.Created);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>, IEnumerable<string>>("updated").Resolve(c => c.Source.Updated);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>, IEnumerable<string>>("destroyed").Resolve(c => c.Source.Destroyed);
        Field<NonNullGraphType<BooleanGraphType>, bool>("hasMore").Description("More changes wait: ask again with state.").Resolve(c => c.Source.HasMore);
    }
}
