using MimeKit;
using MimeKit.Utils;

namespace MailGateway.Imap.Mime;

/// <summary>Builds a MIME message from a <see cref="ComposeRequest"/> with MimeKit.</summary>
internal static class ComposeBuilder
{
    public static MimeMessage Build(ComposeRequest request, string fallbackFrom, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = new MimeMessage { Subject = request.Subject ?? "", Date = now };
        message.From.Add(request.From is { } from ? Mailbox(from) : MailboxAddress.Parse(fallbackFrom));
        message.To.AddRange(request.To.Select(Mailbox));
        message.Cc.AddRange(request.Cc.Select(Mailbox));
        message.Bcc.AddRange(request.Bcc.Select(Mailbox));
        var domain = message.From.Mailboxes.FirstOrDefault()?.Domain;
        message.MessageId = MimeUtils.GenerateMessageId(string.IsNullOrEmpty(domain) ? "mailgateway.local" : domain);
        if (!string.IsNullOrWhiteSpace(request.InReplyTo))
        {
            var id = request.InReplyTo.Trim().Trim('<', '>');
            if (id.Length == 0 || id.Any(char.IsControl) || id.Contains(' ', StringComparison.Ordinal))
                throw new ImapOperationException("inReplyTo must be a Message-ID.");
            message.InReplyTo = id;
            message.References.Add(id);
        }
        var body = new BodyBuilder { TextBody = request.Text, HtmlBody = request.Html };
        foreach (var attachment in request.Attachments)
        {
            if (!ContentType.TryParse(attachment.ContentType ?? "application/octet-stream", out var type))
                throw new ImapOperationException($"The content type of attachment '{attachment.FileName}' is not valid.");
            body.Attachments.Add(string.IsNullOrWhiteSpace(attachment.FileName) ? "attachment" : attachment.FileName, attachment.Content, type);
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    private static MailboxAddress Mailbox(EmailAddress address)
    {
        if (!MailboxAddress.TryParse(address.Address, out var parsed) || parsed.Address.Any(char.IsControl))
            throw new ImapOperationException($"'{address.Address}' is not a valid email address.");
        return new MailboxAddress(address.Name ?? parsed.Name, parsed.Address);
    }
}
