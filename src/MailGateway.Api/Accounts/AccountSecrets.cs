using System.Security.Claims;
using MailGateway.Api.Shared;
using MailGateway.Imap;

namespace MailGateway.Api.Accounts;

/// <summary>Turns the credentials of a request (a password, or an <c>oauth</c> block) into the secret to store: the one place
/// for both <c>imap</c> and <c>smtp</c>, so the two take the same shapes and go through the same grants.</summary>
internal static class AccountSecrets
{
    /// <summary>A password or static access token as given, or a grant that Security/ obtains (a configured client's refresh
    /// token, or on behalf of the caller). Refusals answer with <paramref name="authFailedCode"/> (422) or
    /// <paramref name="unavailableCode"/> (502).</summary>
    /// <param name="field">Where the block was given (<c>imap.oauth</c>, <c>oauth</c> or <c>smtp.oauth</c>), for the messages.</param>
    /// <param name="slot">The slot the secret will be kept in (IMAP or the smtp block's own).</param>
    public static async Task<StoredSecret> FromAsync(IImapOAuthGrants grants, string? password, OAuthSettingsRequest? oauth, ClaimsPrincipal user,
        GrantSlot slot, string field, string authFailedCode, string unavailableCode, CancellationToken cancellationToken)
    {
        if (!IImapOAuthGrants.Handles(oauth))
        {
            return oauth is null
                ? new StoredSecret(Password: password)
                : new StoredSecret(AccessToken: oauth.AccessToken, RefreshToken: oauth.RefreshToken, ExpiresAt: oauth.ExpiresAt);
        }
        try
        {
            return await grants.CreateSecretAsync(oauth!, user, slot, cancellationToken).ConfigureAwait(false);
        }
        catch (ImapOAuthRequestException e)
        {
            throw new MailApiException(StatusCodes.Status400BadRequest, e.Code, "The OAuth settings of the account are not usable.",
                e.Message.Replace("imap.oauth", field, StringComparison.Ordinal));
        }
        catch (ImapAuthenticationException e)
        {
            throw MailApiException.Unprocessable(authFailedCode, "The identity provider rejected the OAuth grant.", e.Message);
        }
        catch (ImapUnavailableException e)
        {
            throw MailApiException.BadGateway(unavailableCode, "The identity provider could not be reached.", e.Message, e.RetryAfter);
        }
    }
}
