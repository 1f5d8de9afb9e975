using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>Maps the IMAP layer's records to the API contracts.</summary>
internal static class MessageMapping
{
    public static MessageSummaryDto ToDto(this MessageSummary s) => new()
    {
        Id = ResourceIds.Message(s.Ref),
        MailboxId = ResourceIds.Mailbox(s.Mailbox),
        Uid = s.Uid,
        MessageIdHeader = s.MessageIdHeader,
        Subject = s.Subject,
        From = s.From.ToDto(),
        To = s.To.ToDto(),
        Cc = s.Cc.ToDto(),
        Date = s.Date,
        ReceivedAt = s.ReceivedAt,
        Size = s.Size,
        Flags = s.Flags,
        Seen = s.Seen,
        Flagged = s.Flagged,
        Answered = s.Answered,
        Draft = s.Draft,
        HasAttachments = s.HasAttachments,
        Preview = s.Preview,
        Unparsable = s.Unparsable,
    };

    public static MessageDetailDto ToDto(this MessageDetail d) => new(d.Summary.ToDto())
    {
        Headers = d.Headers.Select(h => new HeaderDto(h.Key, h.Value)).ToList(),
        Text = d.Text,
        Html = d.Html,
        Attachments = d.Attachments.Select(a => new AttachmentDto(
            ResourceIds.Attachment(a.PartId), a.FileName, a.ContentType, a.Size, a.ContentId, a.Inline)).ToList(),
        InReplyTo = d.InReplyTo,
        References = d.References,
    };

    public static IReadOnlyList<AddressDto> ToDto(this IReadOnlyList<EmailAddress> addresses) =>
        addresses.Select(a => new AddressDto(a.Name, a.Address)).ToList();
}
