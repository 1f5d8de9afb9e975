using MailKit.Net.Smtp;

namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>Waits until new SMTP sessions answer 450 at RCPT to <paramref name="address"/>, three in a row. texthash tables
    /// are read when an smtpd starts (POSTFIX.md pitfall 12), and right after a reload an smtpd started before it (the suite's
    /// other sending tests keep some alive) can still take a session with the old table.</summary>
    private async Task WaitUntilDeferredAsync(string address, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (var inARow = 0; inARow < 3;)
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Postfix still does not defer {address} after the reload: {ReadTail(PostfixLogPath)}");
            using var probe = new RcptProbe { ServerCertificateValidationCallback = TestCertificates.CreateValidator(CaCertificatePath), CheckCertificateRevocation = false };
            await probe.ConnectAsync(Host, SmtpPort, MailKit.Security.SecureSocketOptions.StartTls, ct).ConfigureAwait(false);
            await probe.AuthenticateAsync(new MailKit.Security.SaslMechanismPlain("user1", CurrentPasswordOf("user1")), ct).ConfigureAwait(false);
            inARow = await probe.RcptAsync(EmailOf("user1"), address, ct).ConfigureAwait(false) == 450 ? inARow + 1 : 0;
            await probe.DisconnectAsync(true, ct).ConfigureAwait(false);
        }
    }

    private sealed class RcptProbe : SmtpClient
    {
        /// <summary>MAIL FROM and RCPT TO only (then RSET): the reply code to the RCPT.</summary>
        public async Task<int> RcptAsync(string from, string to, CancellationToken ct)
        {
            await SendCommandAsync($"MAIL FROM:<{from}>", ct).ConfigureAwait(false);
            var reply = await SendCommandAsync($"RCPT TO:<{to}>", ct).ConfigureAwait(false);
            await SendCommandAsync("RSET", ct).ConfigureAwait(false);
            return (int)reply.StatusCode;
        }
    }
}
