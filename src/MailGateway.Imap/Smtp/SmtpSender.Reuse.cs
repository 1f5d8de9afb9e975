using MailKit;
using MailKit.Net.Smtp;

namespace MailGateway.Imap.Smtp;

internal sealed partial class SmtpSender
{
    /// <summary>A fresh connection starts clean; a reused one is RSET first, and any failure of that RSET means the
    /// connection is no longer usable (nothing of this message was sent yet).</summary>
    private static async Task BeginAsync(RecordingSmtpClient client, bool reused, CancellationToken cancellationToken)
    {
        client.BeginTransaction(); // nothing of this message was accepted yet, whatever the last one did
        if (!reused)
            return;
        try
        {
            await client.ResetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new StaleConnectionException(ex);
        }
    }

    /// <summary>The server closed or lost the connection (idle timeout, restart), as opposed to refusing the message.</summary>
    private static bool IsDeadConnection(Exception ex) => ex is StaleConnectionException or IOException or SmtpProtocolException
        or ServiceNotConnectedException or SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    /// <summary>A reused connection turned out dead before any recipient was accepted: safe to send on a new one.</summary>
    private sealed class StaleConnectionException(Exception inner) : Exception("The reused SMTP connection is no longer usable.", inner);
}
