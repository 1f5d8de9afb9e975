using MimeKit;

namespace MailGateway.IntegrationTests.Events;

internal static class TestMail
{
    public static MimeMessage Create(string subject, string body = "The body of a pushed message.")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Push Sender", "push@example.test"));
        message.To.Add(new MailboxAddress("", "rcpt@example.test"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2026, 11, 24, 9, 15, 0, TimeSpan.Zero);
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}
