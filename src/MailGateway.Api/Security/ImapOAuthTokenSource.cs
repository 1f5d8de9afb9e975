using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Security;

/// <summary>Chooses the token source by what the account stores: a client's refresh token, or an on-behalf-of session.
/// Accounts registered with a plain access token are left to the credential provider (null).</summary>
internal sealed class ImapOAuthTokenSource(
    RefreshTokenGrants refreshTokens, OnBehalfOfGrants onBehalfOf, TokenEndpointClient endpoint, IOAuthTokenCache cache,
    IServiceProvider services, TimeProvider time) : IImapOAuthGrants, IImapOAuthTokenSource
{
    public async Task<StoredSecret> CreateSecretAsync(OAuthSettingsRequest oauth, ClaimsPrincipal caller, GrantSlot slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oauth);
        ArgumentNullException.ThrowIfNull(slot);
        if (oauth.OnBehalfOf == true)
        {
            if (oauth.Client is not null || oauth.RefreshToken is not null || oauth.AccessToken is not null)
                throw new ImapOAuthRequestException("oauth_grant_invalid", "imap.oauth.onBehalfOf excludes client, refreshToken and accessToken.");
            return await onBehalfOf.CreateAsync(caller, slot, cancellationToken).ConfigureAwait(false);
        }
        if (oauth.AccessToken is not null)
            throw new ImapOAuthRequestException("oauth_grant_invalid", "imap.oauth.client takes a refreshToken, not an accessToken: the gateway obtains access tokens itself.");
        return await refreshTokens.CreateAsync(oauth, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string?> GetAccessTokenAsync(ImapAccount account, StoredSecret secret, GrantSlot slot, bool forceRefresh,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(slot);
        if (secret.SessionKey is null && secret.Client is null)
        {
            // A refresh token without a client belongs to the Accounts:OAuth client, when one is configured.
            if (secret.RefreshToken is null || endpoint.FindClient(DefaultOAuthClient.Name) is null)
                return null; // a password or a static access token
            secret = secret with { Client = DefaultOAuthClient.Name };
        }
        var stored = await services.GetRequiredService<IAccountStore>().GetAsync(account.Id, cancellationToken).ConfigureAwait(false);
        if (stored is null || slot.StampOf(stored) != account.CredentialStamp)
            return await UnstoredAsync(secret, forceRefresh, cancellationToken).ConfigureAwait(false);
        try
        {
            if (secret.SessionKey is not null)
                return (await onBehalfOf.GetAsync(stored, secret, slot, forceRefresh, cancellationToken).ConfigureAwait(false)).Value;
            return (await refreshTokens.GetAsync(stored, secret, slot, forceRefresh, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ImapAuthenticationException ex)
        {
            // The grant was refused before any IMAP login: still an authentication failure of the account (security log).
            if (slot == GrantSlot.Imap && services.GetService<IImapLoginObserver>() is { } observer)
            {
                var mechanism = account.Mechanism == ImapAuthMechanism.OAuthBearer ? "OAUTHBEARER" : "XOAUTH2";
                await observer.OnLoginAttemptAsync(new ImapLoginAttempt(account.Id, time.GetUtcNow(), false, mechanism, ex.Message), cancellationToken)
                    .ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>Being verified before it is stored: the token obtained by CreateSecretAsync, or (a refresh token given
    /// without one, or a token the server just refused) one refresh that nothing is saved from.</summary>
    private async ValueTask<string?> UnstoredAsync(StoredSecret secret, bool forceRefresh, CancellationToken cancellationToken)
    {
        if (secret.SessionKey is not null || secret.RefreshToken is null || (secret.AccessToken is not null && !forceRefresh))
            return secret.AccessToken;
        var response = await endpoint.RefreshAsync(secret.Client!, secret.RefreshToken, cancellationToken).ConfigureAwait(false);
        return response.AccessToken;
    }

    public async Task ForgetAsync(string accountId, CancellationToken cancellationToken = default)
    {
        foreach (var slot in GrantSlot.All)
            await cache.RemoveAsync(slot.CacheKey(accountId), cancellationToken).ConfigureAwait(false);
    }
}
