using System.Security.Claims;
using Account = MailGateway.Api.Shared.Account;
using StoredSecret = MailGateway.Api.Accounts.StoredSecret;
using GrantSlot = MailGateway.Api.Accounts.GrantSlot;
using ImapOAuthRequestException = MailGateway.Api.Accounts.ImapOAuthRequestException;
using MailGateway.Imap;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using Microsoft.Identity.Web;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Security;

/// <summary>
/// Source (a): Exchange Online on behalf of the Entra ID user who registered the account, through
/// Microsoft.Identity.Web's long-running OBO session: the registration request starts it with the caller's
/// token; later logins (also from background watchers) use only the session key, and MSAL refreshes from its cache.
/// The grant slot chooses the scope: IMAP (<c>imap.oauth</c>) or SMTP submission (<c>smtp.oauth</c>), each its own session.
/// </summary>
internal sealed class OnBehalfOfGrants(IServiceScopeFactory scopes, IOptionsMonitor<ImapOAuthOptions> options, ILogger<OnBehalfOfGrants> logger)
{
    public async Task<StoredSecret> CreateAsync(ClaimsPrincipal caller, GrantSlot slot, CancellationToken cancellationToken)
    {
        if (Caller.From(caller).IsApp || (caller.FindFirst("oid") is null && caller.FindFirst(ClaimConstants.ObjectId) is null))
            throw new ImapOAuthRequestException("oauth_on_behalf_of_unavailable",
                "imap.oauth.onBehalfOf needs a signed-in Entra ID user (a delegated token with oid), not an application token.");

        using var scope = scopes.CreateScope();
        var acquisition = scope.ServiceProvider.GetService<ITokenAcquisition>()
            ?? throw new ImapOAuthRequestException("oauth_on_behalf_of_unavailable",
                "imap.oauth.onBehalfOf needs Authentication:Provider=EntraId with AzureAd:ClientSecret or a client certificate configured.");

        // Runs inside the registration request: Identity.Web uses the caller's own token as the OBO assertion.
        var tokenOptions = new TokenAcquisitionOptions
        {
            LongRunningWebApiSessionKey = TokenAcquisitionOptions.LongRunningWebApiSessionKeyAuto,
            CancellationToken = cancellationToken,
        };
        var accessToken = await AcquireAsync(acquisition, caller, tokenOptions, slot, accountId: "(new)").ConfigureAwait(false);
        var sessionKey = tokenOptions.LongRunningWebApiSessionKey;
        if (string.IsNullOrEmpty(sessionKey) || sessionKey == TokenAcquisitionOptions.LongRunningWebApiSessionKeyAuto)
            throw new ImapAuthenticationException("Entra ID issued a token but no long-running session; the account could not be linked.");
        // The first token verifies the account; later ones come from MSAL's cache by session key.
        return new StoredSecret(AccessToken: accessToken, SessionKey: sessionKey);
    }

    public async ValueTask<ImapSecret> GetAsync(Account account, StoredSecret grant, GrantSlot slot, bool forceRefresh, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(grant.SessionKey))
            throw new ImapAuthenticationException("The account's on-behalf-of session is missing; register it again.");

        // Without the ambient HttpContext: otherwise Identity.Web would take the token of whoever is calling the
        // API right now (an admin, or a request of another feature) as a new assertion for this session.
        Task<string> task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(async () =>
            {
                using var scope = scopes.CreateScope();
                var acquisition = scope.ServiceProvider.GetService<ITokenAcquisition>()
                    ?? throw new ImapAuthenticationException("On-behalf-of token acquisition is not enabled on this instance (Authentication:Provider=EntraId with a client credential).");
                var tokenOptions = new TokenAcquisitionOptions
                {
                    LongRunningWebApiSessionKey = grant.SessionKey,
                    ForceRefresh = forceRefresh,
                    CancellationToken = cancellationToken,
                };
                return await AcquireAsync(acquisition, user: null, tokenOptions, slot, account.Id).ConfigureAwait(false);
            }, cancellationToken);
        }
        return new ImapSecret(await task.ConfigureAwait(false));
    }

    private async Task<string> AcquireAsync(ITokenAcquisition acquisition, ClaimsPrincipal? user, TokenAcquisitionOptions tokenOptions, GrantSlot slot,
        string accountId)
    {
        var scope = slot == GrantSlot.Smtp ? options.CurrentValue.SmtpOnBehalfOfScope : options.CurrentValue.OnBehalfOfScope;
        try
        {
            return await acquisition.GetAccessTokenForUserAsync([scope],
                JwtBearerDefaults.AuthenticationScheme, tenantId: null, userFlow: null, user, tokenOptions).ConfigureAwait(false);
        }
        catch (MicrosoftIdentityWebChallengeUserException ex)
        {
            SecurityLog.OnBehalfOfFailed(logger, accountId, ex.MsalUiRequiredException.ErrorCode);
            throw new ImapAuthenticationException(
                $"Entra ID needs the user to sign in again or consent to {scope} ({ex.MsalUiRequiredException.ErrorCode}).");
        }
        catch (MsalServiceException ex) when (ex.StatusCode >= 500 || ex.StatusCode == 429)
        {
            SecurityLog.OnBehalfOfFailed(logger, accountId, ex.ErrorCode);
            throw new ImapUnavailableException($"Entra ID is unavailable ({ex.ErrorCode}).", TimeSpan.FromSeconds(30));
        }
        catch (MsalException ex)
        {
            // MsalUiRequiredException (consent, expired session), invalid_grant, unknown session key, ...
            SecurityLog.OnBehalfOfFailed(logger, accountId, ex.ErrorCode);
            throw new ImapAuthenticationException($"Entra ID refused the on-behalf-of token for Exchange Online ({ex.ErrorCode}).");
        }
        catch (HttpRequestException ex)
        {
            SecurityLog.OnBehalfOfFailed(logger, accountId, ex.GetType().Name);
            throw new ImapUnavailableException("Entra ID could not be reached.", TimeSpan.FromSeconds(30));
        }
    }
}
