using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Security;

/// <summary>Chooses the token source by what the account stores: a client's refresh token, or an on-behalf-of session.
/// Accounts registered with a plain access token are left to the credential provider (null).</summary>
internal sealed class ImapOAuthTokenSource(
    RefreshTokenGrants refreshTokens, OnBehalfOfGrants onBehalfOf, IOAuthTokenCache cache,
    IServiceProvider services, TimeProvider time) : IImapOAuthGrants, IImapOAuthTokenSource
{
    public async Task<StoredSecret> CreateSecretAsync(OAuthSettingsRequest oauth, ClaimsPrincipal caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oauth);
        if (oauth.OnBehalfOf == true)
        {
            if (oauth.Client is not null || oauth.RefreshToken is not null || oauth.AccessToken is not null)
                throw new ImapOAuthRequestException("oauth_grant_invalid", "imap.oauth.onBehalfOf excludes client, refreshToken and accessToken.");
            return await onBehalfOf.CreateAsync(caller, cancellationToken).ConfigureAwait(false);
        }
        if (oauth.AccessToken is not null)
            throw new ImapOAuthRequestException("oauth_grant_invalid", "imap.oauth.client takes a refreshToken, not an accessToken: the gateway obtains access tokens itself.");
        return await refreshTokens.CreateAsync(oauth, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string?> GetAccessTokenAsync(ImapAccount account, StoredSecret secret, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.SessionKey is null && secret.Client is null)
            return null; // a password, a static access token, or the Accounts:OAuth default client
        var stored = await services.GetRequiredService<IAccountStore>().GetAsync(account.Id, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.CredentialStamp != account.CredentialStamp)
            return secret.AccessToken; // being verified before it is stored: the token obtained by CreateSecretAsync
        try
        {
            if (secret.SessionKey is not null)
                return (await onBehalfOf.GetAsync(stored, secret, forceRefresh, cancellationToken).ConfigureAwait(false)).Value;
            return (await refreshTokens.GetAsync(stored, secret, forceRefresh, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ImapAuthenticationException ex)
        {
            // The grant was refused before any IMAP login: still an authentication failure of the account (security log).
            if (services.GetService<IImapLoginObserver>() is { } observer)
            {
                var mechanism = account.Mechanism == ImapAuthMechanism.OAuthBearer ? "OAUTHBEARER" : "XOAUTH2";
                await observer.OnLoginAttemptAsync(new ImapLoginAttempt(account.Id, time.GetUtcNow(), false, mechanism, ex.Message), cancellationToken)
                    .ConfigureAwait(false);
            }
            throw;
        }
    }

    public async Task ForgetAsync(string accountId, CancellationToken cancellationToken = default) =>
        await cache.RemoveAsync(accountId, cancellationToken).ConfigureAwait(false);
}
