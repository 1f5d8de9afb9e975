using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using AuthenticationException = MailKit.Security.AuthenticationException;

namespace MailGateway.Imap.Smtp;

internal sealed partial class SmtpSender
{
    /// <summary>AUTH with the account's mechanism; an OAuth token the server rejects is refreshed and tried once more.</summary>
    private async Task AuthenticateAsync(SmtpClient client, SmtpAccount account, CancellationToken cancellationToken)
    {
        var secret = await credentials.GetSecretAsync(account, false, cancellationToken).ConfigureAwait(false);
        try
        {
            await LoginOnceAsync(client, account, secret, cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpAuthenticationException) when (account.Mechanism != ImapAuthMechanism.Password && client.IsConnected)
        {
            secret = await credentials.GetSecretAsync(account, true, cancellationToken).ConfigureAwait(false);
            await LoginOnceAsync(client, account, secret, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task LoginOnceAsync(SmtpClient client, SmtpAccount account, ImapSecret secret, CancellationToken cancellationToken)
    {
        SaslMechanism mechanism = account.Mechanism switch
        {
            ImapAuthMechanism.XOAuth2 => new SaslMechanismOAuth2(account.Username, secret.Value),
            ImapAuthMechanism.OAuthBearer => new SaslMechanismOAuthBearer(account.Username, secret.Value),
            // One mechanism only: MailKit would otherwise retry a wrong password with LOGIN (another slow failure).
            _ when client.AuthenticationMechanisms.Contains("PLAIN") => new SaslMechanismPlain(new NetworkCredential(account.Username, secret.Value)),
            _ => new SaslMechanismLogin(new NetworkCredential(account.Username, secret.Value)),
        };
        try
        {
            await client.AuthenticateAsync(mechanism, cancellationToken).ConfigureAwait(false);
            SmtpLog.LoggedIn(logger, account.Id, account.Host, account.Port, mechanism.MechanismName);
        }
        catch (AuthenticationException ex)
        {
            var text = Pooling.ImapConnector.SafeResponse(ex.Message, secret);
            SmtpLog.LoginRejected(logger, account.Id, mechanism.MechanismName, text);
            throw new SmtpAuthenticationException("The SMTP server rejected the credentials.", new SmtpReply(535, text), ex);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode is 535 or 534 or 530 or 538)
        {
            var text = Pooling.ImapConnector.SafeResponse(ex.Message, secret);
            SmtpLog.LoginRejected(logger, account.Id, mechanism.MechanismName, text);
            throw new SmtpAuthenticationException("The SMTP server rejected the credentials.", new SmtpReply((int)ex.StatusCode, text), ex);
        }
    }
}
