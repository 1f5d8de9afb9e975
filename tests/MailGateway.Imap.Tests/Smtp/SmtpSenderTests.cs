using System.Text;
using MailGateway.Imap.Pooling;
using MailGateway.Imap.Smtp;
using MailGateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Tests.Smtp;

public sealed class SmtpSenderTests(PostfixEnvironment fixture) : IClassFixture<PostfixEnvironment>
{
    private MailEnvironment Env => fixture.Env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Passwords(string? password = null) : ISmtpCredentialProvider
    {
        public ValueTask<ImapSecret> GetSecretAsync(SmtpAccount account, bool forceRefresh, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new ImapSecret(password ?? MailEnvironment.PasswordOf(account.Username)));
    }

    private SmtpSender Sender(string? password = null, bool allowPrivate = true)
    {
        var options = Options.Create(new ImapOptions { AllowPrivateNetworks = allowPrivate, TrustedCertificateFiles = [Env.CaCertificatePath] });
        return new SmtpSender(options, new Passwords(password), new ImapCertificateValidator(options),
            new SmtpConnectionCache(Options.Create(new SmtpOptions()), TimeProvider.System, NullLogger<SmtpConnectionCache>.Instance), NullLogger<SmtpSender>.Instance);
    }

    private SmtpAccount Account(string user, SmtpSecurity security = SmtpSecurity.StartTls) =>
        new($"acct-{user}", Env.Host, security == SmtpSecurity.StartTls ? Env.SmtpPort : Env.SmtpsPort, security, user);

    private static MemoryStream Raw(string from, string to, string marker, string? bcc = null) => new(Encoding.UTF8.GetBytes(
        $"From: <{from}>\r\nTo: <{to}>\r\n{(bcc is null ? "" : $"Bcc: <{bcc}>\r\n")}Subject: sender {marker}\r\nMessage-ID: <{marker}@example.org>\r\n\r\nhello\r\n"));

    [Fact]
    public async Task Verify_logs_in_over_starttls_and_implicit_tls()
    {
        await Sender().VerifyAsync(Account("user21"), Ct);
        await Sender().VerifyAsync(Account("user21", SmtpSecurity.Tls), Ct);
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_failure()
    {
        var error = await Assert.ThrowsAsync<SmtpAuthenticationException>(() => Sender("wrong").VerifyAsync(Account("user22"), Ct));
        Assert.Equal(535, error.Reply!.Code);
    }

    [Fact]
    public async Task Private_hosts_are_refused_unless_allowed()
    {
        var error = await Assert.ThrowsAsync<ImapPolicyException>(() => Sender(allowPrivate: false).VerifyAsync(Account("user22"), Ct));
        Assert.Equal("smtp_host_forbidden", error.Code);
    }

    [Fact]
    public async Task A_closed_port_is_a_temporary_failure()
    {
        var account = Account("user22") with { Port = ServerProcessPort() };
        await Assert.ThrowsAsync<SmtpUnavailableException>(() => Sender().VerifyAsync(account, Ct));
    }

    [Fact]
    public async Task Send_reports_each_recipient_and_delivers_to_the_accepted_ones()
    {
        var marker = Guid.NewGuid().ToString("N");
        var to = MailEnvironment.EmailOf("user24");
        var result = await Sender().SendAsync(Account("user23"),
            new SmtpEnvelope(MailEnvironment.EmailOf("user23"), [to, "nosuch@example.org"]), Raw(MailEnvironment.EmailOf("user23"), to, marker), Ct);

        Assert.Equal(250, result.Reply.Code);
        Assert.True(result.Recipients.Single(r => r.Address == to).Accepted);
        var refused = result.Recipients.Single(r => r.Address == "nosuch@example.org");
        Assert.False(refused.Accepted);
        Assert.Equal(550, refused.Reply.Code);
        Assert.Single(await Env.WaitForMessageAsync("user24", "INBOX", "Message-ID", marker, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task Every_recipient_refused_is_a_permanent_rejection()
    {
        var error = await Assert.ThrowsAsync<SmtpRejectedException>(() => Sender().SendAsync(Account("user25"),
            new SmtpEnvelope(MailEnvironment.EmailOf("user25"), ["nosuch@example.org"]), Raw(MailEnvironment.EmailOf("user25"), "nosuch@example.org", "x"), Ct));
        Assert.True(error.Permanent);
        Assert.Equal(550, error.Reply.Code);
    }

    private static int ServerProcessPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
