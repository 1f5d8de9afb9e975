using System.Collections.Concurrent;
using System.Security.Cryptography;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Credentials not stored yet, offered to the pool while <see cref="IImapSessionPool.VerifyAsync"/> checks them
/// (registration, password change). Keyed by account id and credential stamp.</summary>
internal sealed class PendingCredentials
{
    private readonly ConcurrentDictionary<(string Id, string Stamp), StoredSecret> _pending = new();

    public IDisposable Offer(string accountId, string stamp, StoredSecret secret)
    {
        _pending[(accountId, stamp)] = secret;
        return new Withdrawal(this, (accountId, stamp));
    }

    public StoredSecret? Find(string accountId, string stamp) => _pending.GetValueOrDefault((accountId, stamp));

    private sealed class Withdrawal(PendingCredentials owner, (string, string) key) : IDisposable
    {
        public void Dispose() => owner._pending.TryRemove(key, out _);
    }
}

/// <summary>A source of OAuth2 access tokens for XOAUTH2/OAUTHBEARER accounts (Security/ImapOAuthTokenSource).
/// Sources are asked in registration order; the first non-null token wins; the access token stored with the account
/// is the last resort.</summary>
internal interface IImapOAuthTokenSource
{
    /// <param name="slot">Where <paramref name="secret"/> is kept (IMAP credentials or the smtp block's own).</param>
    /// <returns>A token, or null when this source does not serve the account.</returns>
    ValueTask<string?> GetAccessTokenAsync(ImapAccount account, StoredSecret secret, GrantSlot slot, bool forceRefresh, CancellationToken cancellationToken = default);
}

/// <summary>Answers the pool's "what is the secret for this account?" from the account store, decrypting the stored secret.
/// The switch over <see cref="ImapAuthMechanism"/> is the one place that decides where a secret comes from.</summary>
internal sealed class StoredCredentialProvider(
    IAccountStore store, CredentialProtector protector, PendingCredentials pending, IEnumerable<IImapOAuthTokenSource> tokenSources) : IImapCredentialProvider
{
    public async ValueTask<ImapSecret> GetSecretAsync(ImapAccount account, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        var secret = pending.Find(account.Id, account.CredentialStamp);
        if (secret is null)
        {
            var stored = await store.GetAsync(account.Id, cancellationToken).ConfigureAwait(false);
            if (stored?.ProtectedSecret is null)
                throw new ImapAuthenticationException("The account has no stored credentials.");
            try
            {
                secret = protector.Unprotect(stored.ProtectedSecret);
            }
            catch (CryptographicException e)
            {
                throw new ImapAuthenticationException("The stored credentials cannot be decrypted with this instance's Data Protection keys.", e);
            }
        }

        return await ResolveAsync(tokenSources, account, secret, GrantSlot.Imap, forceRefresh, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The secret a login presents for <paramref name="secret"/> held in <paramref name="slot"/>: the password, or an
    /// access token from the first token source that serves it (IMAP and the smtp block's own grant alike).</summary>
    public static async ValueTask<ImapSecret> ResolveAsync(IEnumerable<IImapOAuthTokenSource> tokenSources, ImapAccount account, StoredSecret secret,
        GrantSlot slot, bool forceRefresh, CancellationToken cancellationToken)
    {
        switch (account.Mechanism)
        {
            case ImapAuthMechanism.Password:
                return new ImapSecret(secret.Password ?? throw new ImapAuthenticationException("The account has no stored password."));
            case ImapAuthMechanism.XOAuth2 or ImapAuthMechanism.OAuthBearer:
                foreach (var source in tokenSources)
                {
                    if (await source.GetAccessTokenAsync(account, secret, slot, forceRefresh, cancellationToken).ConfigureAwait(false) is { } token)
                        return new ImapSecret(token);
                }
                return new ImapSecret(secret.AccessToken ?? throw new ImapAuthenticationException("The account has no OAuth access token."));
            default:
                throw new ImapAuthenticationException($"Unsupported authentication mechanism {account.Mechanism}.");
        }
    }
}
