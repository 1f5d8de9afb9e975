using System.Net;
using System.Security.Authentication;
using MailGateway.Imap.Networking;
using MailGateway.Imap.Pooling;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MailGateway.Imap.Smtp;

/// <summary>MailKit's <see cref="SmtpClient"/> under the IMAP rules: the same host policy (resolved addresses checked, private
/// networks only when allowed), validated certificates with <c>Imap:TrustedCertificateFiles</c>, TLS 1.2+, no plaintext.
/// An account's messages due together share one authenticated connection (<see cref="SmtpConnectionCache"/>, RSET between them).</summary>
internal sealed partial class SmtpSender(
    IOptions<ImapOptions> options,
    ISmtpCredentialProvider credentials,
    ImapCertificateValidator certificates,
    SmtpConnectionCache connections,
    ILogger<SmtpSender> logger) : ISmtpSender
{
    public const string HostForbidden = "smtp_host_forbidden";

    public async Task VerifyAsync(SmtpAccount account, CancellationToken cancellationToken = default)
    {
        using var client = await ConnectAsync(account, cancellationToken).ConfigureAwait(false);
        await QuitAsync(client).ConfigureAwait(false);
    }

    public async Task<SmtpSendResult> SendAsync(SmtpAccount account, SmtpEnvelope envelope, Stream message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var mime = await MimeMessage.LoadAsync(message, cancellationToken).ConfigureAwait(false);
        if (connections.TryTake(account) is { } idle)
        {
            try
            {
                return await TransmitAsync(idle, account, envelope, mime, reused: true, cancellationToken).ConfigureAwait(false);
            }
            catch (StaleConnectionException stale)
            {
                // Dead before any recipient was accepted (so DATA never started): once more on a fresh connection.
                SmtpLog.Reconnecting(logger, account.Id, stale.InnerException!.GetType().Name);
            }
        }
        var client = await ConnectAsync(account, cancellationToken).ConfigureAwait(false);
        return await TransmitAsync(client, account, envelope, mime, reused: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One transaction on <paramref name="client"/>, which this call owns: kept for the account's next message after
    /// a 250 to DATA, disposed otherwise.</summary>
    private async Task<SmtpSendResult> TransmitAsync(RecordingSmtpClient client, SmtpAccount account, SmtpEnvelope envelope, MimeMessage mime,
        bool reused, CancellationToken cancellationToken)
    {
        var keep = false;
        try
        {
            await BeginAsync(client, reused, cancellationToken).ConfigureAwait(false);
            var recipients = envelope.Recipients.Select(r => new MailboxAddress("", r)).ToList();
            var text = await client.SendAsync(FormatOptions.Default, mime, new MailboxAddress("", envelope.From), recipients, cancellationToken).ConfigureAwait(false);
            // From here on the server owns the message: nothing may turn this into a failure that would send it again.
            var reply = new SmtpReply(250, Clean(text));
            var results = envelope.Recipients.Select(r => client.Refused.GetValueOrDefault(r) is { } refused
                ? new SmtpRecipientResult(r, false, refused) : new SmtpRecipientResult(r, true, reply)).ToList();
            SmtpLog.Sent(logger, account.Id, reply.Code, results.Count(r => r.Accepted), results.Count);
            client.Sent++;
            keep = true;
            return new SmtpSendResult(reply, results);
        }
        catch (Exception ex) when (reused && !client.AnyRecipientAccepted && IsDeadConnection(ex))
        {
            throw new StaleConnectionException(ex);
        }
        catch (NoRecipientAcceptedException)
        {
            var results = envelope.Recipients.Select(r => new SmtpRecipientResult(r, false, client.Refused.GetValueOrDefault(r) ?? new SmtpReply(0, ""))).ToList();
            var worst = results.Select(r => r.Reply).FirstOrDefault(r => r.IsPermanent) ?? results[0].Reply;
            SmtpLog.Rejected(logger, account.Id, worst.Code, worst.Text);
            throw new SmtpRejectedException("The server refused every recipient.", worst, results);
        }
        catch (SmtpCommandException ex)
        {
            var reply = new SmtpReply((int)ex.StatusCode, Clean(ex.Message));
            SmtpLog.Rejected(logger, account.Id, reply.Code, reply.Text);
            if (reply.IsPermanent)
                throw new SmtpRejectedException($"The server refused the message: {reply.Code} {reply.Text}", reply, [], ex);
            throw new SmtpUnavailableException($"The server deferred the message: {reply.Code} {reply.Text}", reply, inner: ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(account, ex);
        }
        finally
        {
            if (keep)
                connections.Return(account, client);
            else
                client.Dispose();
        }
    }

    private async Task<RecordingSmtpClient> ConnectAsync(SmtpAccount account, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var imapView = account.AsImapAccount();
        IPAddress[] addresses;
        try
        {
            addresses = await ImapHostPolicy.ResolveAsync(imapView, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (ImapPolicyException ex)
        {
            SmtpLog.PolicyRefused(logger, account.Id, ex.Code);
            throw new ImapPolicyException(HostForbidden, ex.Message.Replace("IMAP", "SMTP", StringComparison.Ordinal));
        }
        catch (ImapUnavailableException ex)
        {
            throw new SmtpUnavailableException(ex.Message.Replace("IMAP", "SMTP", StringComparison.Ordinal), inner: ex);
        }

        var client = new RecordingSmtpClient
        {
            Timeout = (int)Math.Clamp(settings.CommandTimeout.TotalMilliseconds, 1000, int.MaxValue),
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CheckCertificateRevocation = settings.CheckCertificateRevocation,
            ServerCertificateValidationCallback = certificates.CreateCallback(imapView),
        };
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(settings.ConnectTimeout);
                var socket = await GuardedConnect.ConnectAsync(addresses, account.Port, timeout.Token).ConfigureAwait(false);
                var secure = account.Security == SmtpSecurity.Tls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
                await client.ConnectAsync(socket, account.Host.Trim(), account.Port, secure, timeout.Token).ConfigureAwait(false);
            }
            await AuthenticateAsync(client, account, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (Exception ex)
        {
            client.Dispose();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            if (ex is SmtpAuthenticationException) throw;
            // The credential provider refused (no usable secret, or the identity provider rejected the grant): a login failure.
            if (ex is ImapAuthenticationException refused) throw new SmtpAuthenticationException(refused.Message, inner: refused);
            throw Unavailable(account, ex);
        }
    }

    private SmtpUnavailableException Unavailable(SmtpAccount account, Exception ex)
    {
        var mapped = ex switch
        {
            SmtpUnavailableException u => u,
            SslHandshakeException => new SmtpUnavailableException(
                "TLS with the SMTP server failed: its certificate is not trusted, does not match the host name or pinned key, or TLS 1.2+ is unavailable.",
                retryAfter: TimeSpan.FromMinutes(1), inner: ex),
            NotSupportedException => new SmtpUnavailableException("The SMTP server does not offer STARTTLS or authentication.", retryAfter: TimeSpan.FromMinutes(1), inner: ex),
            SmtpCommandException c => new SmtpUnavailableException($"The SMTP server answered {(int)c.StatusCode}.", new SmtpReply((int)c.StatusCode, Clean(c.Message)), inner: ex),
            _ => new SmtpUnavailableException("The SMTP server could not be reached or closed the connection.", inner: ex),
        };
        SmtpLog.Unavailable(logger, account.Id, account.Host, account.Port, mapped.Message, ex is ImapGatewayException ? null : ex);
        return mapped;
    }

    internal static async Task QuitAsync(SmtpClient client)
    {
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(true, quit.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The work is done; a lost QUIT changes nothing.
        }
    }

    internal static string Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var chars = text.Take(500).Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        return new string(chars).Trim();
    }
}
