using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Mailboxes;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Mailbox mutations: thin calls to <see cref="MailboxService"/>, the service behind the REST endpoints. Need Mail.ReadWrite.</summary>
internal static class MailboxMutationFields
{
    public static void Add(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MailboxType>, MailboxNode>("createMailbox")
            .Description("Creates a mailbox (and missing parents): give path, or name with an optional parentId. Error mailbox_exists when it is there.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<StringGraphType>("path")
            .Argument<IdGraphType>("parentId")
            .Argument<StringGraphType>("name")
            .ResolveAsync(async c =>
            {
                var accountId = c.GetArgument<string>("accountId");
                var request = new CreateMailboxRequest(c.GetArgument<string?>("path"), c.GetArgument<string?>("parentId"), c.GetArgument<string?>("name"));
                return new MailboxNode(accountId, await c.Service<MailboxService>().CreateAsync(c.RequireMailWrite(), accountId, request, c.CancellationToken));
            });

        mutation.Field<NonNullGraphType<MailboxType>, MailboxNode>("renameMailbox")
            .Description("Renames (new name under the same parent, or a new path; children follow) and/or (un)subscribes. " +
                         "Answers the mailbox afterwards: a rename changes its id.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<StringGraphType>("name")
            .Argument<StringGraphType>("path")
            .Argument<BooleanGraphType>("subscribed")
            .ResolveAsync(async c =>
            {
                var accountId = c.GetArgument<string>("accountId");
                var request = new UpdateMailboxRequest(c.GetArgument<string?>("name"), c.GetArgument<string?>("path"), c.GetArgument<bool?>("subscribed"));
                return new MailboxNode(accountId, await c.Service<MailboxService>().UpdateAsync(c.RequireMailWrite(), accountId,
                    c.GetArgument<string>("id"), request, c.CancellationToken));
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>, bool>("deleteMailbox")
            .Description("Deletes a mailbox.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                await c.Service<MailboxService>().DeleteAsync(c.RequireMailWrite(), c.GetArgument<string>("accountId"),
                    c.GetArgument<string>("id"), c.CancellationToken);
                return true;
            });
    }
}
