using MailGateway.Imap.Mime;
using MimeKit;
using MimeKit.Utils;

namespace MailGateway.Imap.Smtp;

/// <summary>The original a reply answers: its Message-ID, References and subject.</summary>
public sealed record ReplyContext(string MessageIdHeader, IReadOnlyList<string> References, string? Subject);

/// <summary>A message ready to submit: the bytes (Bcc kept, for the Sent copy; <see cref="ISmtpSender"/> does not transmit it),
/// its Message-ID, the From/Sender addresses and every recipient (To, Cc, Bcc) for the envelope.</summary>
public sealed record PreparedMessage(byte[] Mime, string MessageIdHeader, string? EnvelopeFrom, IReadOnlyList<string> FromAddresses,
    IReadOnlyList<string> Recipients, string? Subject);

/// <summary>Builds outgoing messages with MimeKit: the JSON compose body (plus reply threading and a forwarded original),
/// or a raw RFC 5322 message whose envelope comes from its headers.</summary>
public static class OutgoingMessages
{
    public static PreparedMessage Compose(ComposeRequest request, ReplyContext? reply, byte[]? forwardedOriginal, string fallbackFrom, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = ComposeBuilder.Build(request with { InReplyTo = null }, fallbackFrom, now);
        if (reply is not null)
            Thread(message, reply);
        if (forwardedOriginal is not null)
            Attach(message, forwardedOriginal);
        return Prepare(message, now);
    }

    public static PreparedMessage FromRaw(Stream raw, DateTimeOffset now)
    {
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(raw);
        }
        catch (FormatException ex)
        {
            throw new ImapOperationException($"The message could not be parsed: {ex.Message}");
        }
        return Prepare(message, now);
    }

    private static void Thread(MimeMessage message, ReplyContext reply)
    {
        var id = reply.MessageIdHeader.Trim().Trim('<', '>');
        if (id.Length == 0) return;
        message.InReplyTo = id;
        message.References.Clear();
        foreach (var reference in reply.References.Select(r => r.Trim().Trim('<', '>')).Where(r => r.Length > 0 && r != id).TakeLast(20))
            message.References.Add(reference);
        message.References.Add(id);
        if (string.IsNullOrWhiteSpace(message.Subject))
        {
            var original = reply.Subject?.Trim() ?? "";
            message.Subject = original.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? original : $"Re: {original}".TrimEnd();
        }
    }

    private static void Attach(MimeMessage message, byte[] original)
    {
        using var stream = new MemoryStream(original, writable: false);
        var forwarded = new MessagePart("rfc822") { Message = MimeMessage.Load(stream) };
        forwarded.ContentDisposition = new ContentDisposition(ContentDisposition.Attachment);
        var mixed = new Multipart("mixed") { message.Body ?? new TextPart("plain") { Text = "" }, forwarded };
        message.Body = mixed;
        if (string.IsNullOrWhiteSpace(message.Subject))
            message.Subject = $"Fwd: {forwarded.Message.Subject}".TrimEnd();
    }

    private static PreparedMessage Prepare(MimeMessage message, DateTimeOffset now)
    {
        if (message.Date == default)
            message.Date = now;
        var froms = message.From.Mailboxes.Select(m => m.Address).ToList();
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            var domain = message.From.Mailboxes.FirstOrDefault()?.Domain;
            message.MessageId = MimeUtils.GenerateMessageId(string.IsNullOrEmpty(domain) ? "mailgateway.local" : domain);
        }
        var envelopeFrom = (message.Sender ?? message.From.Mailboxes.FirstOrDefault())?.Address;
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
            .Select(m => m.Address).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        using var output = new MemoryStream();
        message.WriteTo(FormatOptions.Default, output);
        return new PreparedMessage(output.ToArray(), $"<{message.MessageId}>", envelopeFrom, froms, recipients, message.Subject);
    }
}
