using System.Text;
using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Messages;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Message mutations: thin calls to <see cref="MessageService"/>, the service behind the REST endpoints. Need Mail.ReadWrite.</summary>
internal static class MessageMutationFields
{
    public static void Add(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MessageSummaryType>, MessageNode>("updateMessage")
            .Description("Sets or clears flags and keywords; answers the message afterwards.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<BooleanGraphType>("seen")
            .Argument<BooleanGraphType>("flagged")
            .Argument<BooleanGraphType>("answered")
            .Argument<BooleanGraphType>("draft")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("addFlags", "Keywords to add, e.g. $Forwarded, Work.")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("removeFlags")
            .ResolveAsync(async c =>
            {
                var accountId = c.GetArgument<string>("accountId");
                var request = new UpdateMessageRequest(c.GetArgument<bool?>("seen"), c.GetArgument<bool?>("flagged"),
                    c.GetArgument<bool?>("answered"), c.GetArgument<bool?>("draft"),
                    c.GetArgument<List<string>?>("addFlags"), c.GetArgument<List<string>?>("removeFlags"));
                var summary = await c.Service<MessageService>().UpdateAsync(c.RequireMailWrite(), accountId, c.GetArgument<string>("id"), request, c.CancellationToken);
                return new MessageNode(accountId, summary);
            });

        mutation.Field<IdGraphType, string>("moveMessage")
            .Description("Moves a message to another mailbox; answers its new id (null when the server could not tell).")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<IdGraphType>>("mailboxId")
            .ResolveAsync(async c => (await c.Service<MessageService>().MoveAsync(c.RequireMailWrite(), c.GetArgument<string>("accountId"),
                c.GetArgument<string>("id"), c.GetArgument<string>("mailboxId"), c.CancellationToken)).Id);

        mutation.Field<IdGraphType, string>("copyMessage")
            .Description("Copies a message to another mailbox; answers the copy's id (null when the server could not tell).")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<IdGraphType>>("mailboxId")
            .ResolveAsync(async c => (await c.Service<MessageService>().CopyAsync(c.RequireMailWrite(), c.GetArgument<string>("accountId"),
                c.GetArgument<string>("id"), c.GetArgument<string>("mailboxId"), c.CancellationToken)).Id);

        mutation.Field<NonNullGraphType<BooleanGraphType>, bool>("deleteMessage")
            .Description("Moves a message to Trash, or expunges exactly this message with permanent: true.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<BooleanGraphType>("permanent", a => a.DefaultValue = false)
            .ResolveAsync(async c =>
            {
                await c.Service<MessageService>().DeleteAsync(c.RequireMailWrite(), c.GetArgument<string>("accountId"),
                    c.GetArgument<string>("id"), c.GetArgument("permanent", false), c.CancellationToken);
                return true;
            });

        mutation.Field<NonNullGraphType<IdGraphType>, string>("appendMessage")
            .Description("Appends a message to a mailbox: either composed (message) or raw RFC 5322 text (raw); answers its id.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("mailboxId")
            .Argument<ComposeMessageInputType>("message")
            .Argument<StringGraphType>("raw", "The whole message as RFC 5322 text (headers, blank line, body).")
            .ResolveAsync(AppendAsync);

        mutation.Field<NonNullGraphType<BatchResultType>, BatchResponse>("batchMessages")
            .Description("One action over many message ids of one account; answers per id.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<BatchMessagesInputType>>("input")
            .ResolveAsync(async c => await c.Service<MessageService>().BatchAsync(c.RequireMailWrite(), c.GetArgument<string>("accountId"),
                c.GetArgument<BatchRequest>("input"), c.CancellationToken));

        MailboxMutationFields.Add(mutation);
    }

    private static async Task<string?> AppendAsync(IResolveFieldContext<object?> c)
    {
        var caller = c.RequireMailWrite();
        var accountId = c.GetArgument<string>("accountId");
        var mailboxId = c.GetArgument<string>("mailboxId");
        var compose = c.GetArgument<ComposeMessageRequest?>("message");
        var raw = c.GetArgument<string?>("raw");
        if (compose is null == raw is null) throw GraphQLErrors.Validation("Give either message or raw.");
        var service = c.Service<MessageService>();
        if (compose is not null) return await service.AppendComposedAsync(caller, accountId, mailboxId, compose, c.CancellationToken);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw!));
        return await service.AppendRawAsync(caller, accountId, mailboxId, stream, c.CancellationToken);
    }
}
