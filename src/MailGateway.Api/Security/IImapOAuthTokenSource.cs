using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Imap;

namespace MailGateway.Api.Security;

/// <summary>
/// OAuth2 access tokens for IMAP accounts that authenticate with SASL XOAUTH2 or OAUTHBEARER, so the
/// gateway stores no mailbox password. The credential provider calls it for those accounts; the
/// accounts API calls it to turn the <c>imap.oauth</c> block of a request into the account's protected secret.
/// </summary>
public interface IImapOAuthTokenSource
{
    /// <summary>
    /// Validates the request, proves it works with the identity provider (first refresh, or starts the
    /// long-running on-behalf-of session with the caller's token) and answers the value to keep in
    /// <see cref="Account.ProtectedSecret"/> (Data-Protection ciphertext).
    /// </summary>
    /// <exception cref="ImapOAuthRequestException">The oauth block is not usable (400).</exception>
    /// <exception cref="ImapAuthenticationException">The identity provider rejected the grant (422 at registration).</exception>
    /// <exception cref="ImapUnavailableException">The identity provider could not be reached.</exception>
    Task<string> ProtectGrantAsync(ImapOAuthRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken = default);

    /// <summary>An access token for the account's next IMAP login.</summary>
    /// <param name="forceRefresh">True after the IMAP server rejected the previous token: ignore cached tokens.</param>
    /// <exception cref="ImapAuthenticationException">The grant was revoked or rejected (the account goes authFailed).</exception>
    /// <exception cref="ImapUnavailableException">The identity provider could not be reached.</exception>
    ValueTask<ImapSecret> GetAccessTokenAsync(Account account, bool forceRefresh, CancellationToken cancellationToken = default);

    /// <summary>Drops cached tokens of a removed account or one whose credentials were replaced.</summary>
    Task ForgetAsync(string accountId, CancellationToken cancellationToken = default);
}

/// <summary>
/// The <c>imap.oauth</c> block of <c>POST/PATCH /api/v1/accounts</c>: either a stored refresh token of a configured
/// client (<c>{ "client": "google", "refreshToken": "..." }</c>) or <c>{ "onBehalfOf": true }</c> (Entra ID callers,
/// Exchange Online). The mechanism comes from <c>imap.auth</c>: <c>xoauth2</c> or <c>oauthbearer</c>.
/// </summary>
public sealed class ImapOAuthRequest
{
    /// <summary>Name of a client under <c>ImapOAuth:Clients</c>.</summary>
    public string? Client { get; init; }
    /// <summary>Write-only; encrypted at rest, never returned or logged.</summary>
    public string? RefreshToken { get; init; }
    /// <summary>Use the caller's own Entra ID sign-in (on-behalf-of flow) instead of a stored refresh token.</summary>
    public bool OnBehalfOf { get; init; }

    public override string ToString() => $"ImapOAuthRequest(Client={Client}, OnBehalfOf={OnBehalfOf}, RefreshToken=***)";
}

/// <summary>The oauth block of a request cannot be used; answered as 400 with <see cref="Code"/>.</summary>
public sealed class ImapOAuthRequestException(string code, string message) : Exception(message)
{
    /// <summary><c>oauth_client_unknown</c>, <c>oauth_grant_invalid</c>, <c>oauth_on_behalf_of_unavailable</c>.</summary>
    public string Code { get; } = code;
}

public static class ImapOAuthMechanisms
{
    /// <summary>True for the mechanisms whose secret is an OAuth2 access token.</summary>
    public static bool IsOAuth(this ImapAuthMechanism mechanism) =>
        mechanism is ImapAuthMechanism.XOAuth2 or ImapAuthMechanism.OAuthBearer;
}
