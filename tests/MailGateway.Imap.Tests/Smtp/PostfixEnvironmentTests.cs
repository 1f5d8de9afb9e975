using MailGateway.Testing;
using MailKit.Net.Smtp;
using MimeKit;

namespace MailGateway.Imap.Tests.Smtp;

public sealed class PostfixEnvironmentTests(PostfixEnvironment fixture) : IClassFixture<PostfixEnvironment>
{
    private MailEnvironment Env => fixture.Env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MimeMessage Message(string from, string to, string marker, string? bcc = null)
    {
        var message = new MimeMessage { Subject = $"fixture {marker}", Body = new TextPart("plain") { Text = "hello" } };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        if (bcc is not null) message.Bcc.Add(MailboxAddress.Parse(bcc));
        message.MessageId = $"{marker}@example.org";
        return message;
    }

    [Fact]
    public async Task Submitted_mail_arrives_in_the_recipients_inbox_and_bcc_without_the_header()
    {
        var marker = Guid.NewGuid().ToString("N");
        using (var smtp = await Env.ConnectSmtpAsync("user11", Ct))
        {
            await smtp.SendAsync(Message(MailEnvironment.EmailOf("user11"), MailEnvironment.EmailOf("user12"), marker, MailEnvironment.EmailOf("user13")), Ct);
            await smtp.DisconnectAsync(true, Ct);
        }
        Assert.Single(await Env.WaitForMessageAsync("user12", "INBOX", "Message-ID", marker, TimeSpan.FromSeconds(30), Ct));
        var bccUids = await Env.WaitForMessageAsync("user13", "INBOX", "Message-ID", marker, TimeSpan.FromSeconds(30), Ct);
        using var imap = await Env.ConnectAsync("user13", Ct);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly, Ct);
        var copy = await imap.Inbox.GetMessageAsync(Assert.Single(bccUids), Ct);
        Assert.Null(copy.Headers[HeaderId.Bcc]);
    }

    [Fact]
    public async Task An_unknown_local_recipient_is_refused_with_550_at_rcpt()
    {
        using var smtp = await Env.ConnectSmtpAsync("user14", Ct);
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            smtp.SendAsync(Message(MailEnvironment.EmailOf("user14"), "nosuch@example.org", Guid.NewGuid().ToString("N")), Ct));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
        Assert.Equal(550, (int)error.StatusCode);
    }

    [Fact]
    public async Task Submission_requires_authentication()
    {
        using var smtp = await Env.ConnectSmtpAsync("user15", Ct);
        await smtp.DisconnectAsync(true, Ct);
        using var anonymous = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.CreateValidator(Env.CaCertificatePath), CheckCertificateRevocation = false };
        await anonymous.ConnectAsync(Env.Host, Env.SmtpPort, MailKit.Security.SecureSocketOptions.StartTls, Ct);
        await Assert.ThrowsAsync<SmtpCommandException>(() =>
            anonymous.SendAsync(Message(MailEnvironment.EmailOf("user15"), MailEnvironment.EmailOf("user16"), Guid.NewGuid().ToString("N")), Ct));
    }
}
