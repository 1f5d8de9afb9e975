using GraphQL.Types;
using MailGateway.Api.Events;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>One event of the pipeline, the same model SignalR clients and webhooks receive.</summary>
public sealed class MailEventType : ObjectGraphType<MailEvent>
{
    public MailEventType()
    {
        Name = "MailEvent";
        Description = "A change in a mailbox account; the same event SignalR clients and webhooks receive.";
        Field<NonNullGraphType<IdGraphType>, string>("id").Description("Unique per event; equal across retries and instances.").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>, string>("type").Description("message.created, message.updated, message.deleted, mailbox.created, mailbox.renamed, mailbox.deleted, account.connected, account.authFailed, account.disconnected.").Resolve(c => c.Source.Type);
        Field<NonNullGraphType<DateTimeOffsetGraphType>, DateTimeOffset>("occurredAt").Resolve(c => c.Source.OccurredAt);
        Field<NonNullGraphType<IdGraphType>, string>("accountId").Resolve(c => c.Source.AccountId);
        Field<JsonGraphType, object>("data").Description("Type-specific payload, e.g. mailboxId, mailboxPath, messageId, uid, summary for message.created.").Resolve(c => c.Source.Data);
    }
}
