using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Imap;

namespace MailGateway.Api.Security;

/// <summary>Chooses the token source by the kind of grant the account stores.</summary>
internal sealed class ImapOAuthTokenSource(
    OAuthGrantProtector protector, RefreshTokenGrants refreshTokens, OnBehalfOfGrants onBehalfOf, IOAuthTokenCache cache) : IImapOAuthTokenSource
{
    public async Task<string> ProtectGrantAsync(ImapOAuthRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        OAuthGrant grant;
        if (request.OnBehalfOf)
        {
            if (request.Client is not null || request.RefreshToken is not null)
                throw new ImapOAuthRequestException("oauth_grant_invalid", "imap.oauth takes either onBehalfOf or client and refreshToken, not both.");
            grant = await onBehalfOf.CreateAsync(caller, cancellationToken).ConfigureAwait(false);
        }
        else if (request.Client is null && request.RefreshToken is null)
        {
            throw new ImapOAuthRequestException("oauth_grant_invalid", "imap.oauth needs client and refreshToken, or onBehalfOf: true.");
        }
        else
        {
            grant = await refreshTokens.CreateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        return protector.Protect(grant);
    }

    public async ValueTask<ImapSecret> GetAccessTokenAsync(Account account, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!account.Mechanism.IsOAuth())
            throw new ImapAuthenticationException("The account does not use OAuth.");
        var grant = protector.Unprotect(account.ProtectedSecret);
        return grant.Kind switch
        {
            OAuthGrant.RefreshTokenKind => await refreshTokens.GetAsync(account, grant, forceRefresh, cancellationToken).ConfigureAwait(false),
            OAuthGrant.OnBehalfOfKind => await onBehalfOf.GetAsync(account, grant, forceRefresh, cancellationToken).ConfigureAwait(false),
            _ => throw new ImapAuthenticationException("The account's OAuth grant is of an unknown kind; register it again."),
        };
    }

    public async Task ForgetAsync(string accountId, CancellationToken cancellationToken = default) =>
        await cache.RemoveAsync(accountId, cancellationToken).ConfigureAwait(false);
}
