using GraphQL.Types;
using MailGateway.Api.Messages;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>A message (summary or detail) with the account it belongs to.</summary>
public sealed record MessageNode(string AccountId, MessageSummaryDto Message)
{
    public MessageDetailDto Detail => (MessageDetailDto)Message;
}

public sealed class AddressType : ObjectGraphType<AddressDto>
{
    public AddressType()
    {
        Name = "Address";
        Field<StringGraphType, string>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>, string>("address").Resolve(c => c.Source.Address);
    }
}

/// <summary>The list entry of a message (REST <c>MessageSummary</c>).</summary>
public sealed class MessageSummaryType : ObjectGraphType<MessageNode>
{
    public MessageSummaryType()
    {
        Name = "MessageSummary";
        Description = "A message as lists show it.";
        AddSummaryFields(this);
    }

    internal static void AddSummaryFields(ObjectGraphType<MessageNode> type)
    {
        type.Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => c.Source.Message.Id);
        type.Field<NonNullGraphType<IdGraphType>, string>("accountId").Resolve(c => c.Source.AccountId);
        type.Field<NonNullGraphType<IdGraphType>, string>("mailboxId").Resolve(c => c.Source.Message.MailboxId);
        type.Field<NonNullGraphType<UIntGraphType>, uint>("uid").Resolve(c => c.Source.Message.Uid);
        type.Field<StringGraphType, string>("messageIdHeader").Resolve(c => c.Source.Message.MessageIdHeader);
        type.Field<StringGraphType, string>("subject").Resolve(c => c.Source.Message.Subject);
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AddressType>>>, IEnumerable<AddressDto>>("from").Resolve(c => c.Source.Message.From);
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AddressType>>>, IEnumerable<AddressDto>>("to").Resolve(c => c.Source.Message.To);
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AddressType>>>, IEnumerable<AddressDto>>("cc").Resolve(c => c.Source.Message.Cc);
        type.Field<DateTimeOffsetGraphType, DateTimeOffset?>("date").Resolve(c => c.Source.Message.Date);
        type.Field<DateTimeOffsetGraphType, DateTimeOffset?>("receivedAt").Resolve(c => c.Source.Message.ReceivedAt);
        type.Field<NonNullGraphType<LongGraphType>, long>("size").Resolve(c => c.Source.Message.Size);
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("flags").Resolve(c => c.Source.Message.Flags);
        type.Field<NonNullGraphType<BooleanGraphType>, bool>("seen").Resolve(c => c.Source.Message.Seen);
        type.Field<NonNullGraphType<BooleanGraphType>, bool>("flagged").Resolve(c => c.Source.Message.Flagged);
        type.Field<NonNullGraphType<BooleanGraphType>, bool>("answered").Resolve(c => c.Source.Message.Answered);
        type.Field<NonNullGraphType<BooleanGraphType>, bool>("draft").Resolve(c => c.Source.Message.Draft);
        type.Field<NonNullGraphType<BooleanGraphType>, bool>("hasAttachments").Resolve(c => c.Source.Message.HasAttachments);
        type.Field<StringGraphType, string>("preview").Resolve(c => c.Source.Message.Preview);
        type.Field<NonNullGraphType<BooleanGraphType>, bool>("unparsable")
            .Description("True when the server's answer for this message could not be parsed: what is known (uid, size, flags, dates, readable headers) is shown.")
            .Resolve(c => c.Source.Message.Unparsable);
    }
}

/// <summary>A whole message for display (REST <c>GET .../messages/{id}</c>).</summary>
public sealed class MessageType : ObjectGraphType<MessageNode>
{
    public MessageType()
    {
        Name = "Message";
        Description = "A whole message: summary fields plus headers, text, HTML and attachments.";
        MessageSummaryType.AddSummaryFields(this);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<HeaderType>>>, IEnumerable<HeaderDto>>("headers").Resolve(c => c.Source.Detail.Headers);
        Field<StringGraphType, string>("text").Resolve(c => c.Source.Detail.Text);
        Field<StringGraphType, string>("html").Description("Sanitized unless the query asked for rawHtml.").Resolve(c => c.Source.Detail.Html);
        Field<NonNullGraphType<BooleanGraphType>, bool>("remoteContentBlocked")
            .Description("True when remote images or CSS URLs were removed from html (ask with allowRemoteContent).").Resolve(c => c.Source.Detail.RemoteContentBlocked);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AttachmentType>>>, IEnumerable<AttachmentNode>>("attachments")
            .Resolve(c => c.Source.Detail.Attachments.Select(a => new AttachmentNode(c.Source.AccountId, c.Source.Message.Id, a)));
        Field<StringGraphType, string>("inReplyTo").Resolve(c => c.Source.Detail.InReplyTo);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("references").Resolve(c => c.Source.Detail.References);
    }
}

public sealed class HeaderType : ObjectGraphType<HeaderDto>
{
    public HeaderType()
    {
        Name = "Header";
        Field<NonNullGraphType<StringGraphType>, string>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>, string>("value").Resolve(c => c.Source.Value);
    }
}

public sealed record AttachmentNode(string AccountId, string MessageId, AttachmentDto Attachment);

public sealed class AttachmentType : ObjectGraphType<AttachmentNode>
{
    public AttachmentType()
    {
        Name = "Attachment";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => c.Source.Attachment.Id);
        Field<StringGraphType, string>("filename").Resolve(c => c.Source.Attachment.Filename);
        Field<NonNullGraphType<StringGraphType>, string>("contentType").Resolve(c => c.Source.Attachment.ContentType);
        Field<NonNullGraphType<LongGraphType>, long>("size").Resolve(c => c.Source.Attachment.Size);
        Field<StringGraphType, string>("contentId").Resolve(c => c.Source.Attachment.ContentId);
        Field<NonNullGraphType<BooleanGraphType>, bool>("inline").Resolve(c => c.Source.Attachment.Inline);
        Field<NonNullGraphType<StringGraphType>, string>("downloadUrl")
            .Description("The REST download (decoded, streamed), relative to the gateway: GET it with the same bearer token.")
            .Resolve(c => $"/api/v1/accounts/{Uri.EscapeDataString(c.Source.AccountId)}/messages/{Uri.EscapeDataString(c.Source.MessageId)}/attachments/{Uri.EscapeDataString(c.Source.Attachment.Id)}");
    }
}
