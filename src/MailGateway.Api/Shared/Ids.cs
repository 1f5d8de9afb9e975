using MailGateway.Imap;

namespace MailGateway.Api.Shared;

/// <summary>
/// Decodes path ids for the services. An id that does not decode answers 404 (<c>mailbox_not_found</c>,
/// <c>message_not_found</c>, <c>attachment_not_found</c>) like an id that decodes to nothing: ids are opaque,
/// so a client cannot tell "malformed" from "gone", and no detail of the encoding leaks.
/// </summary>
internal static class Ids
{
    public static string Mailbox(string? mailboxId) =>
        ResourceIds.TryParseMailbox(mailboxId, out var path) ? path : throw MailApiException.MailboxNotFound();

    public static MessageRef Message(string? messageId) =>
        ResourceIds.TryParseMessage(messageId, out var message) ? message : throw MailApiException.MessageNotFound();

    public static string Attachment(string? attachmentId) =>
        ResourceIds.TryParseAttachment(attachmentId, out var part) ? part : throw MailApiException.AttachmentNotFound();

    /// <summary>A mailbox named in a request body (a move target): missing → 400, undecodable → 404.</summary>
    public static string TargetMailbox(string? mailboxId) =>
        string.IsNullOrEmpty(mailboxId) ? throw MailApiException.Validation("mailboxId is required.") : Mailbox(mailboxId);
}
