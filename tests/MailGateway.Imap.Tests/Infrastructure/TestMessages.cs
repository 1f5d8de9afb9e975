using MimeKit;

namespace MailGateway.Imap.Tests.Infrastructure;

internal static class TestMessages
{
    public static MimeMessage Text(string subject, string body = "hello", string from = "sender@example.com")
    {
        var message = new MimeMessage { Subject = subject, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.example") };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("rcpt@example.com"));
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    public static MimeMessage WithAttachment(string subject, byte[] content, string fileName = "data.bin", string html = "<p>see <b>attached</b><script>alert(1)</script></p>")
    {
        var message = Text(subject);
        var builder = new BodyBuilder { TextBody = "plain body", HtmlBody = html };
        builder.Attachments.Add(fileName, content, new ContentType("application", "octet-stream"));
        message.Body = builder.ToMessageBody();
        return message;
    }

    public static byte[] RandomBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
