using System.Net;
using System.Text;
using MailGateway.Imap.Telemetry;
using MailKit.Net.Imap;
using MailKit.Security;
using AuthenticationException = MailKit.Security.AuthenticationException;

namespace MailGateway.Imap.Pooling;

internal sealed partial class ImapConnector
{
    /// <summary>Logs in; an OAuth token the server rejects is refreshed and tried once more.</summary>
    private async Task<string> AuthenticateAsync(ImapClient client, ImapAccount account, CancellationToken cancellationToken)
    {
        var secret = await credentials.GetSecretAsync(account, false, cancellationToken).ConfigureAwait(false);
        try
        {
            return await LoginOnceAsync(client, account, secret, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException) when (account.Mechanism != ImapAuthMechanism.Password && client.IsConnected)
        {
            secret = await credentials.GetSecretAsync(account, true, cancellationToken).ConfigureAwait(false);
            return await LoginOnceAsync(client, account, secret, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> LoginOnceAsync(ImapClient client, ImapAccount account, ImapSecret secret, CancellationToken cancellationToken)
    {
        var mechanism = account.Mechanism switch
        {
            ImapAuthMechanism.XOAuth2 => "XOAUTH2",
            ImapAuthMechanism.OAuthBearer => "OAUTHBEARER",
            _ => client.AuthenticationMechanisms.Contains("PLAIN") ? "PLAIN" : "LOGIN",
        };
        try
        {
            switch (account.Mechanism)
            {
                case ImapAuthMechanism.XOAuth2:
                    await client.AuthenticateAsync(new SaslMechanismOAuth2(account.Username, secret.Value), cancellationToken).ConfigureAwait(false);
                    break;
                case ImapAuthMechanism.OAuthBearer:
                    await client.AuthenticateAsync(new SaslMechanismOAuthBearer(account.Username, secret.Value), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    var credential = new NetworkCredential(account.Username, secret.Value);
                    if (mechanism == "PLAIN")
                    {
                        await client.AuthenticateAsync(new SaslMechanismPlain(credential), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        // No SASL mechanism chosen: MailKit then uses the LOGIN command (refused under LOGINDISABLED).
                        client.AuthenticationMechanisms.Clear();
                        await client.AuthenticateAsync(credential, cancellationToken).ConfigureAwait(false);
                    }
                    break;
            }
        }
        catch (AuthenticationException ex)
        {
            await RecordAsync(account, false, mechanism, SafeResponse(ex.Message, secret), cancellationToken).ConfigureAwait(false);
            throw;
        }
        await RecordAsync(account, true, mechanism, "OK", cancellationToken).ConfigureAwait(false);
        return mechanism;
    }

    private async Task RecordAsync(ImapAccount account, bool succeeded, string mechanism, string? response, CancellationToken cancellationToken)
    {
        telemetry.Login(succeeded, mechanism);
        if (!succeeded) ImapLog.LoginRejected(logger, account.Id, mechanism, response);
        try
        {
            await observer.OnLoginAttemptAsync(new ImapLoginAttempt(account.Id, time.GetUtcNow(), succeeded, mechanism, response), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ImapLog.ObserverFailed(logger, account.Id, ex);
        }
    }

    /// <summary>The server's text without control characters, without the secret, at most 200 characters.</summary>
    internal static string SafeResponse(string? text, ImapSecret secret)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        if (secret.Value.Length >= 4) text = text.Replace(secret.Value, "***", StringComparison.Ordinal);
        var builder = new StringBuilder(Math.Min(text.Length, 200));
        foreach (var c in text)
        {
            if (builder.Length >= 200) break;
            builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.ToString().Trim();
    }
}
