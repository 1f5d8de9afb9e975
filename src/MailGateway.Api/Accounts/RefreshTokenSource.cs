using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>The OAuth2 client that refreshes IMAP access tokens (<c>Accounts:OAuth</c>).</summary>
internal sealed class OAuthRefreshOptions
{
    public const string Section = "Accounts:OAuth";
    public string? TokenEndpoint { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>Optional scope sent with the refresh (e.g. <c>https://outlook.office.com/IMAP.AccessAsUser.All offline_access</c>).</summary>
    public string? Scope { get; set; }
    /// <summary>A token this close to expiry is refreshed before it is used.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Accounts registered with a refresh token get their access token from the configured token endpoint: before the stored
/// one expires, and once more when the IMAP server rejected it (<c>forceRefresh</c>). New tokens (and a rotated refresh
/// token) are written back encrypted with the account; one refresh at a time per account.
/// </summary>
internal sealed class RefreshTokenSource(
    IHttpClientFactory httpClients, OAuthRefreshOptions options, IAccountStore store, CredentialProtector protector, TimeProvider time,
    ILogger<RefreshTokenSource> logger) : IImapOAuthTokenSource
{
    public const string HttpClientName = "MailGateway.OAuthRefresh";

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public async ValueTask<string?> GetAccessTokenAsync(ImapAccount account, StoredSecret secret, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        if (secret.RefreshToken is null || secret.Client is not null || secret.SessionKey is not null)
            return null; // named clients and on-behalf-of sessions: Security/ImapOAuthTokenSource
        if (!forceRefresh && IsFresh(secret))
            return secret.AccessToken;

        var gate = _gates.GetOrAdd(account.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have refreshed while this one waited.
            var stored = await store.GetAsync(account.Id, cancellationToken).ConfigureAwait(false);
            var current = stored?.ProtectedSecret is { } p && stored.CredentialStamp == account.CredentialStamp ? protector.Unprotect(p) : secret;
            if (!forceRefresh && IsFresh(current))
                return current.AccessToken;

            var refreshed = await RefreshAsync(current.RefreshToken ?? secret.RefreshToken, cancellationToken).ConfigureAwait(false);
            if (stored is not null && stored.CredentialStamp == account.CredentialStamp)
                await store.SaveAsync(stored with { ProtectedSecret = protector.Protect(refreshed) }, cancellationToken).ConfigureAwait(false);
            AccountsLog.TokenRefreshed(logger, account.Id);
            return refreshed.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    private bool IsFresh(StoredSecret secret) =>
        secret.AccessToken is not null && secret.ExpiresAt is { } expires && expires - options.RefreshBefore > time.GetUtcNow();

    private async Task<StoredSecret> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = options.ClientId ?? "",
        };
        if (!string.IsNullOrEmpty(options.ClientSecret))
            form["client_secret"] = options.ClientSecret;
        if (!string.IsNullOrEmpty(options.Scope))
            form["scope"] = options.Scope;

        HttpResponseMessage response;
        try
        {
            using var content = new FormUrlEncodedContent(form);
            response = await httpClients.CreateClient(HttpClientName).PostAsync(options.TokenEndpoint, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ImapUnavailableException("The OAuth token endpoint could not be reached.", TimeSpan.FromSeconds(30), e);
        }
        using (response)
        {
            if ((int)response.StatusCode is 400 or 401)
                throw new ImapAuthenticationException($"The OAuth token endpoint refused the refresh token ({(int)response.StatusCode}).");
            if (!response.IsSuccessStatusCode)
                throw new ImapUnavailableException($"The OAuth token endpoint answered {(int)response.StatusCode}.", TimeSpan.FromSeconds(30));
            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(body?.AccessToken))
                throw new ImapUnavailableException("The OAuth token endpoint answered without an access token.", TimeSpan.FromSeconds(30));
            return new StoredSecret(
                AccessToken: body.AccessToken,
                RefreshToken: string.IsNullOrEmpty(body.RefreshToken) ? refreshToken : body.RefreshToken,
                ExpiresAt: time.GetUtcNow().AddSeconds(body.ExpiresIn is > 0 ? body.ExpiresIn.Value : 3600));
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn)
    {
        public override string ToString() => "TokenResponse(***)";
    }
}
