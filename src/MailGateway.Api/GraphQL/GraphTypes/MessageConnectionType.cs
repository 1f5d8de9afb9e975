using GraphQL.Types;
using MailGateway.Api.Messages;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>One page of a mailbox, newest first, with the cursors of the REST list.</summary>
public sealed record MessageConnection(string AccountId, MessageListResult Result)
{
    public IEnumerable<MessageEdge> Edges => Result.Page.Items.Select(m => new MessageEdge(
        new MessageCursor(Result.State.UidValidity, m.Uid, Result.FilterHash).Encode(), new MessageNode(AccountId, m)));

    /// <summary>The REST <c>nextCursor</c> when there are older messages, else the last edge's cursor.</summary>
    public string? EndCursor => Result.Page.NextCursor ?? Edges.LastOrDefault()?.Cursor;
}

public sealed record MessageEdge(string Cursor, MessageNode Node);

public sealed class MessageConnectionType : ObjectGraphType<MessageConnection>
{
    public MessageConnectionType()
    {
        Name = "MessageConnection";
        Description = "A page of messages, newest first (a Relay connection).";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MessageEdgeType>>>, IEnumerable<MessageEdge>>("edges").Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<PageInfoType>, MessageConnection>("pageInfo").Resolve(c => c.Source);
        Field<NonNullGraphType<StringGraphType>, string>("state")
            .Description("Opaque sync state of the mailbox: pass it as since to Query.changes.").Resolve(c => c.Source.Result.Page.State);
    }
}

public sealed class MessageEdgeType : ObjectGraphType<MessageEdge>
{
    public MessageEdgeType()
    {
        Name = "MessageEdge";
        Field<NonNullGraphType<StringGraphType>, string>("cursor").Description("Pass as after to continue below this message.").Resolve(c => c.Source.Cursor);
        Field<NonNullGraphType<MessageSummaryType>, MessageNode>("node").Resolve(c => c.Source.Node);
    }
}

public sealed class PageInfoType : ObjectGraphType<MessageConnection>
{
    public PageInfoType()
    {
        Name = "PageInfo";
        Field<NonNullGraphType<BooleanGraphType>, bool>("hasNextPage").Description("Older messages follow.").Resolve(c => c.Source.Result.Page.NextCursor is not null);
        Field<StringGraphType, string>("endCursor").Description("Pass as after (with the same filter) for the next page.").Resolve(c => c.Source.EndCursor);
    }
}

public sealed class MessageFilterInputType : InputObjectGraphType<Batching.MessageFilter>
{
    public MessageFilterInputType()
    {
        Name = "MessageFilter";
        Description = "Filters combine with AND and are searched on the IMAP server (like the REST list's query parameters).";
        Field<BooleanGraphType>("unseen");
        Field<BooleanGraphType>("flagged");
        Field<StringGraphType>("from");
        Field<StringGraphType>("to");
        Field<StringGraphType>("subject");
        Field<StringGraphType>("text");
        Field<DateTimeOffsetGraphType>("since");
        Field<DateTimeOffsetGraphType>("before");
        Field<BooleanGraphType>("hasAttachment");
        Field<StringGraphType>("keyword");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new Batching.MessageFilter(
        value.Get<bool?>("unseen"), value.Get<bool?>("flagged"), value.Get<string>("from"), value.Get<string>("to"),
        value.Get<string>("subject"), value.Get<string>("text"), value.Get<DateTimeOffset?>("since"), value.Get<DateTimeOffset?>("before"),
        value.Get<bool?>("hasAttachment"), value.Get<string>("keyword"));
}
