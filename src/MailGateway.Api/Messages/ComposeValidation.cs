using System.Net.Http.Headers;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>Checks a JSON compose body and turns it into the IMAP layer's <see cref="ComposeRequest"/>.</summary>
public static class ComposeValidation
{
    public const int MaxRecipients = 500;
    public const int MaxAttachments = 100;
    public const int MaxHeaderText = 998;

    /// <exception cref="MailApiException">validation_failed naming the field.</exception>
    public static ComposeRequest ToComposeRequest(ComposeMessageRequest r)
    {
        var to = Addresses(r.To, "to");
        var cc = Addresses(r.Cc, "cc");
        var bcc = Addresses(r.Bcc, "bcc");
        if (to.Count + cc.Count + bcc.Count > MaxRecipients) throw MailApiException.Validation($"At most {MaxRecipients} recipients.");
        var from = r.From is null ? null : Address(r.From, "from");
        if (r.Subject is { } subject && (subject.Length > MaxHeaderText || subject.Any(char.IsControl)))
            throw MailApiException.Validation($"subject must be at most {MaxHeaderText} characters without control characters.");
        if (r.InReplyTo is { } inReplyTo && (inReplyTo.Length > MaxHeaderText || inReplyTo.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
            throw MailApiException.Validation("inReplyTo must be one Message-ID such as '<id@example.com>'.");
        if (r.Text is null && r.Html is null && r.Attachments is not { Count: > 0 })
            throw MailApiException.Validation("A message needs text, html or an attachment.");
        var attachments = (r.Attachments ?? []).Select((a, i) => Attachment(a, i)).ToList();
        if (attachments.Count > MaxAttachments) throw MailApiException.Validation($"At most {MaxAttachments} attachments.");
        return new ComposeRequest(from, to, cc, bcc, r.Subject, r.Text, r.Html, r.InReplyTo, attachments);
    }

    private static List<EmailAddress> Addresses(IReadOnlyList<AddressDto>? list, string field) =>
        (list ?? []).Select((a, i) => Address(a, $"{field}[{i}]")).ToList();

    private static EmailAddress Address(AddressDto? a, string field)
    {
        if (a is null || string.IsNullOrWhiteSpace(a.Address)) throw MailApiException.Validation($"{field}.address is required.");
        var address = a.Address.Trim();
        var at = address.LastIndexOf('@');
        if (address.Length > 320 || at <= 0 || at == address.Length - 1
            || address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"'))
            throw MailApiException.Validation($"{field}.address must be a single address such as 'ann@example.com'.");
        if (a.Name is { } name && (name.Length > 256 || name.Any(char.IsControl)))
            throw MailApiException.Validation($"{field}.name must be at most 256 characters without control characters.");
        return new EmailAddress(string.IsNullOrWhiteSpace(a.Name) ? null : a.Name, address);
    }

    private static ComposeAttachment Attachment(ComposeAttachmentDto? a, int index)
    {
        var field = $"attachments[{index}]";
        if (a is null || string.IsNullOrWhiteSpace(a.Filename) || a.Filename.Length > 255 || a.Filename.Any(char.IsControl))
            throw MailApiException.Validation($"{field}.filename is required: at most 255 characters without control characters.");
        var contentType = string.IsNullOrWhiteSpace(a.ContentType) ? "application/octet-stream" : a.ContentType.Trim();
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is null || !parsed.MediaType.Contains('/', StringComparison.Ordinal))
            throw MailApiException.Validation($"{field}.contentType must be a media type such as 'application/pdf'.");
        byte[] content;
        try { content = Convert.FromBase64String(a.ContentBase64 ?? ""); }
        catch (FormatException) { throw MailApiException.Validation($"{field}.contentBase64 must be base64."); }
        return new ComposeAttachment(a.Filename, contentType, content);
    }
}
