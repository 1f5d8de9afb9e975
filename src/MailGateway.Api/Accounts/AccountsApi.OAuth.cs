using System.Globalization;
using System.Security.Claims;
using MailGateway.Imap;
using Microsoft.AspNetCore.Http.HttpResults;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

internal static partial class AccountsApi
{
    /// <summary>The secret to store: a password or static access token as given, or a grant that Security/ obtains
    /// (a configured client's refresh token, or on behalf of the caller). Null secret → answer the problem.</summary>
    private static async Task<(StoredSecret Secret, ProblemHttpResult? Problem)> SecretFromAsync(string? password, OAuthSettingsRequest? oauth,
        ClaimsPrincipal user, HttpResponse response, AccountServices services, CancellationToken cancellationToken)
    {
        if (!IImapOAuthGrants.Handles(oauth))
            return (SecretFrom(password, oauth), null);
        try
        {
            return (await services.OAuthGrants.CreateSecretAsync(oauth!, user, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ImapOAuthRequestException e)
        {
            return (new StoredSecret(), ApiProblems.BadRequest(e.Code, "The OAuth settings of the account are not usable.", e.Message));
        }
        catch (ImapAuthenticationException e)
        {
            return (new StoredSecret(), ApiProblems.Unprocessable("imap_auth_failed", "The identity provider rejected the OAuth grant.", e.Message));
        }
        catch (ImapUnavailableException e)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return (new StoredSecret(), ApiProblems.Create(StatusCodes.Status502BadGateway, "imap_unavailable", "The identity provider could not be reached.", e.Message));
        }
    }
}
