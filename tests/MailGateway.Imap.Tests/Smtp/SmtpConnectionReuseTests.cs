using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MailGateway.Imap.Pooling;
using MailGateway.Imap.Smtp;
using MailGateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Tests.Smtp;

/// <summary>Issue 13: an account's messages due together share one authenticated connection (RSET between them), closed when
/// idle or after its share of messages; a connection the server dropped is replaced before any recipient was accepted. The
/// evidence is Postfix's own per-connection summary ("disconnect from ... auth=1 mail=3 rset=2 quit=1") in a private Postfix.</summary>
public sealed partial class SmtpConnectionReuseTests(PostfixEnvironment fixture) : IClassFixture<PostfixEnvironment>
{
    private MailEnvironment Env => fixture.Env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Passwords : ISmtpCredentialProvider
    {
        public ValueTask<ImapSecret> GetSecretAsync(SmtpAccount account, bool forceRefresh, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new ImapSecret(MailEnvironment.PasswordOf(account.Username)));
    }

    private SmtpSender Sender(SmtpOptions reuse)
    {
        var options = Options.Create(new ImapOptions { AllowPrivateNetworks = true, TrustedCertificateFiles = [Env.CaCertificatePath] });
        return new SmtpSender(options, new Passwords(), new ImapCertificateValidator(options),
            new SmtpConnectionCache(Options.Create(reuse), TimeProvider.System, NullLogger<SmtpConnectionCache>.Instance), NullLogger<SmtpSender>.Instance);
    }

    private SmtpAccount Account(string user) => new($"acct-{user}", Env.Host, Env.SmtpPort, SmtpSecurity.StartTls, user);

    private static async Task<SmtpSendResult> SendAsync(SmtpSender sender, SmtpAccount account, string to, string marker)
    {
        var from = MailEnvironment.EmailOf(account.Username);
        using var raw = new MemoryStream(Encoding.UTF8.GetBytes(
            $"From: <{from}>\r\nTo: <{to}>\r\nSubject: reuse {marker}\r\nMessage-ID: <{marker}@example.org>\r\n\r\nhello\r\n"));
        return await sender.SendAsync(account, new SmtpEnvelope(from, [to]), raw, Ct);
    }

    [GeneratedRegex(@"postfix/submission/smtpd\[\d+\]: disconnect from .*")]
    private static partial Regex Disconnect();

    /// <summary>Postfix's summaries of the submission connections closed since line <paramref name="from"/>, waiting until
    /// there are <paramref name="count"/>.</summary>
    private async Task<List<string>> DisconnectsAsync(int from, int count)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var lines = Env.ReadPostfixLogLines().Skip(from).Where(l => Disconnect().IsMatch(l)).ToList();
            if (lines.Count >= count || DateTime.UtcNow > until)
            {
                Assert.True(lines.Count == count, $"Expected {count} closed connections: {string.Join('\n', lines)}");
                return lines;
            }
            await Task.Delay(200, Ct);
        }
    }

    [Fact]
    public async Task Messages_sent_together_share_one_login_with_RSET_between_them_and_the_idle_connection_quits()
    {
        var sender = Sender(new SmtpOptions { IdleTimeout = TimeSpan.FromSeconds(2) });
        var start = Env.ReadPostfixLogLines().Count;
        var markers = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var marker in markers)
            Assert.Equal(250, (await SendAsync(sender, Account("user31"), MailEnvironment.EmailOf("user32"), marker)).Reply.Code);

        var connection = Assert.Single(await DisconnectsAsync(start, 1));
        Assert.Contains(" auth=1 ", connection, StringComparison.Ordinal);
        Assert.Contains(" mail=3 ", connection, StringComparison.Ordinal);
        Assert.Contains(" rset=2 ", connection, StringComparison.Ordinal);
        Assert.Contains(" quit=1 ", connection, StringComparison.Ordinal);
        foreach (var marker in markers)
            Assert.Single(await Env.WaitForMessageAsync("user32", "INBOX", "Message-ID", marker, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task A_connection_is_closed_after_its_share_of_messages_and_other_accounts_log_in_on_their_own()
    {
        var sender = Sender(new SmtpOptions { IdleTimeout = TimeSpan.FromSeconds(1), MaxMessagesPerConnection = 2 });
        var start = Env.ReadPostfixLogLines().Count;
        for (var i = 0; i < 3; i++)
            await SendAsync(sender, Account("user33"), MailEnvironment.EmailOf("user34"), Guid.NewGuid().ToString("N"));
        await SendAsync(sender, Account("user35"), MailEnvironment.EmailOf("user34"), Guid.NewGuid().ToString("N"));

        var connections = await DisconnectsAsync(start, 3);
        Assert.Equal(2, connections.Count(c => c.Contains(" mail=1 ", StringComparison.Ordinal)));
        Assert.Single(connections, c => c.Contains(" mail=2 ", StringComparison.Ordinal) && c.Contains(" rset=1 ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"postfix/submission/smtpd\[(\d+)\]: \w+: client=.*sasl_username=user36\b")]
    private static partial Regex SubmittedByUser36();

    [Fact]
    public async Task A_connection_whose_server_process_was_killed_is_replaced_and_each_message_arrives_once()
    {
        var sender = Sender(new SmtpOptions { IdleTimeout = TimeSpan.FromSeconds(30) });
        var start = Env.ReadPostfixLogLines().Count;
        var first = Guid.NewGuid().ToString("N");
        await SendAsync(sender, Account("user36"), MailEnvironment.EmailOf("user37"), first);

        // The smtpd process that holds our idle, authenticated connection: SIGKILL it.
        var pid = int.Parse(Env.ReadPostfixLogLines().Skip(start).Select(l => SubmittedByUser36().Match(l)).Single(m => m.Success).Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        using (var smtpd = Process.GetProcessById(pid))
        {
            smtpd.Kill();
            await smtpd.WaitForExitAsync(Ct);
        }

        var second = Guid.NewGuid().ToString("N");
        Assert.Equal(250, (await SendAsync(sender, Account("user36"), MailEnvironment.EmailOf("user37"), second)).Reply.Code);
        Assert.Equal(2, Env.ReadPostfixLogLines().Skip(start).Count(l => SubmittedByUser36().IsMatch(l)));
        Assert.Single(await Env.WaitForMessageAsync("user37", "INBOX", "Message-ID", first, TimeSpan.FromSeconds(30), Ct));
        Assert.Single(await Env.WaitForMessageAsync("user37", "INBOX", "Message-ID", second, TimeSpan.FromSeconds(30), Ct));
    }
}
