using System.Security.Cryptography;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Accounts;

/// <summary>The SMTP secret: the smtp block's own credentials (offered during verification, else stored) — a password, or an
/// OAuth grant refreshed through the same token sources as IMAP under <see cref="GrantSlot.Smtp"/> — otherwise whatever the
/// IMAP credential provider answers (the IMAP password, or a token of the IMAP grant).</summary>
internal sealed class SmtpCredentialProvider(
    IAccountStore store, CredentialProtector protector, PendingCredentials pending, IImapCredentialProvider imap,
    IEnumerable<IImapOAuthTokenSource> tokenSources) : ISmtpCredentialProvider
{
    public const string PendingPrefix = "smtp:";

    public async ValueTask<ImapSecret> GetSecretAsync(SmtpAccount account, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        var view = new ImapAccount(account.Id, account.Host, account.Port, ImapSecurity.Tls, account.Username, account.Mechanism, account.CredentialStamp);
        var own = pending.Find(account.Id, PendingPrefix + account.CredentialStamp) ?? await StoredAsync(account, cancellationToken).ConfigureAwait(false);
        return own is null
            ? await imap.GetSecretAsync(view, forceRefresh, cancellationToken).ConfigureAwait(false)
            : await StoredCredentialProvider.ResolveAsync(tokenSources, view, own, GrantSlot.Smtp, forceRefresh, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoredSecret?> StoredAsync(SmtpAccount account, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(account.Id, cancellationToken).ConfigureAwait(false);
        // Only the credentials this SmtpAccount was built from: a stamp of the IMAP credentials means "use the IMAP ones".
        if (stored is null || GrantSlot.Smtp.SecretOf(stored) is not { } ciphertext || GrantSlot.Smtp.StampOf(stored) != account.CredentialStamp)
            return null;
        try
        {
            return protector.Unprotect(ciphertext);
        }
        catch (CryptographicException e)
        {
            throw new SmtpAuthenticationException("The stored SMTP credentials cannot be decrypted with this instance's Data Protection keys.", inner: e);
        }
    }
}
