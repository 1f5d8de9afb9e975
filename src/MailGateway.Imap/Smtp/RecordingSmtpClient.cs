using MailKit.Net.Smtp;
using MimeKit;

namespace MailGateway.Imap.Smtp;

/// <summary>MailKit's client, recording refused recipients instead of failing the whole message at the first one, and
/// whether any recipient was accepted (after that, a failure must never lead to sending the message again at once).</summary>
internal sealed class RecordingSmtpClient : SmtpClient
{
    public Dictionary<string, SmtpReply> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool AnyRecipientAccepted { get; private set; }

    /// <summary>Messages sent over this connection.</summary>
    public int Sent { get; set; }

    /// <summary>RSET: a fixed command, nothing of the caller's.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        var response = await SendCommandAsync("RSET", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != SmtpStatusCode.Ok)
            throw new SmtpCommandException(SmtpErrorCode.UnexpectedStatusCode, response.StatusCode, response.Response);
    }

    /// <summary>Forgets the last transaction's recipients.</summary>
    public void BeginTransaction()
    {
        Refused.Clear();
        AnyRecipientAccepted = false;
    }

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        AnyRecipientAccepted = true;
        base.OnRecipientAccepted(message, mailbox, response);
    }

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Refused[mailbox.Address] = new SmtpReply((int)response.StatusCode, SmtpSender.Clean(response.Response));

    protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientAcceptedException();
}

internal sealed class NoRecipientAcceptedException : Exception;
