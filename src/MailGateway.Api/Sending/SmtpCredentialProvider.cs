using System.Security.Cryptography;
using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Sending;

/// <summary>The SMTP secret: the account's own SMTP password (offered during verification, else stored), otherwise whatever
/// the IMAP credential provider answers (the IMAP password, or a token from the same OAuth sources).</summary>
internal sealed class SmtpCredentialProvider(
    IAccountStore store, CredentialProtector protector, PendingCredentials pending, IImapCredentialProvider imap) : ISmtpCredentialProvider
{
    public const string PendingPrefix = "smtp:";

    public async ValueTask<ImapSecret> GetSecretAsync(SmtpAccount account, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        if (account.Mechanism == ImapAuthMechanism.Password)
        {
            if (pending.Find(account.Id, PendingPrefix + account.CredentialStamp)?.Password is { } offered)
                return new ImapSecret(offered);
            var stored = await store.GetAsync(account.Id, cancellationToken).ConfigureAwait(false);
            if (stored?.Smtp?.ProtectedSecret is { } ciphertext)
            {
                try
                {
                    return new ImapSecret(protector.Unprotect(ciphertext).Password ?? throw new SmtpAuthenticationException("The account has no SMTP password."));
                }
                catch (CryptographicException e)
                {
                    throw new SmtpAuthenticationException("The stored SMTP password cannot be decrypted with this instance's Data Protection keys.", inner: e);
                }
            }
        }
        var view = new ImapAccount(account.Id, account.Host, account.Port, ImapSecurity.Tls, account.Username, account.Mechanism, account.CredentialStamp);
        return await imap.GetSecretAsync(view, forceRefresh, cancellationToken).ConfigureAwait(false);
    }
}
