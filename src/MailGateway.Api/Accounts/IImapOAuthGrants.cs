using System.Security.Claims;
using MailGateway.Imap;

namespace MailGateway.Api.Accounts;

/// <summary>
/// Turns the <c>imap.oauth</c> block of <c>POST/PATCH /api/v1/accounts</c> into the secret an OAuth account stores, so
/// the gateway keeps no mailbox password: a refresh token of a configured client
/// (<c>{ "mechanism": "xoauth2", "client": "corp", "refreshToken": "..." }</c>) or the caller's own Entra ID sign-in
/// (<c>{ "mechanism": "xoauth2", "onBehalfOf": true }</c>, Exchange Online). At login time the same service answers
/// access tokens as the accounts feature's <see cref="IImapOAuthTokenSource"/>.
/// </summary>
internal interface IImapOAuthGrants
{
    /// <summary>True when the block asks for a grant this service handles (client or onBehalfOf), not a static access token.</summary>
    static bool Handles(OAuthSettingsRequest? oauth) => oauth is not null && (oauth.Client is not null || oauth.OnBehalfOf == true);

    /// <summary>
    /// Validates the block and proves it works with the identity provider (first refresh, or starts the long-running
    /// on-behalf-of session with the caller's token). The answer carries the first access token, so verifying the
    /// account with the IMAP server needs no second round trip.
    /// </summary>
    /// <param name="slot">Where the grant will be kept: it chooses the on-behalf-of scope (IMAP or SMTP submission).</param>
    /// <exception cref="ImapOAuthRequestException">The block is not usable (400).</exception>
    /// <exception cref="ImapAuthenticationException">The identity provider rejected the grant (422).</exception>
    /// <exception cref="ImapUnavailableException">The identity provider could not be reached (502).</exception>
    Task<StoredSecret> CreateSecretAsync(OAuthSettingsRequest oauth, ClaimsPrincipal caller, GrantSlot slot, CancellationToken cancellationToken = default);

    /// <summary>Drops the account's cached access token (the account was removed): no live bearer token outlives it.</summary>
    Task ForgetAsync(string accountId, CancellationToken cancellationToken = default);
}

/// <summary>The oauth block of a request cannot be used; answered as 400 with <see cref="Code"/>.</summary>
public sealed class ImapOAuthRequestException(string code, string message) : Exception(message)
{
    /// <summary><c>oauth_client_unknown</c>, <c>oauth_grant_invalid</c> or <c>oauth_on_behalf_of_unavailable</c>.</summary>
    public string Code { get; } = code;
}
