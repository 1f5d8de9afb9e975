using MailGateway.Api.Accounts;
using MailGateway.Imap;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Security;

/// <summary>
/// Source (b): a stored refresh token of a configured OAuth2 client. Access tokens are cached per account and
/// refreshed before they expire, or when the IMAP server rejected one; a rotated refresh token is saved back.
/// </summary>
internal sealed class RefreshTokenGrants(
    TokenEndpointClient endpoint,
    IOAuthTokenCache cache,
    CredentialProtector protector,
    IServiceProvider services,
    IOptionsMonitor<ImapOAuthOptions> options,
    TimeProvider time,
    ILogger<RefreshTokenGrants> logger)
{
    /// <summary>Checks the refresh token with one refresh now, so a bad token fails the registration, not a later login.</summary>
    public async Task<StoredSecret> CreateAsync(OAuthSettingsRequest request, CancellationToken cancellationToken)
    {
        var clientName = options.CurrentValue.Clients.Keys.FirstOrDefault(k => k.Equals(request.Client, StringComparison.OrdinalIgnoreCase));
        if (clientName is null)
        {
            var known = string.Join(", ", options.CurrentValue.Clients.Keys.Order(StringComparer.Ordinal));
            throw new ImapOAuthRequestException("oauth_client_unknown",
                $"imap.oauth.client must name a configured OAuth client (ImapOAuth:Clients){(known.Length > 0 ? $": {known}" : "; none is configured")}.");
        }
        if (string.IsNullOrWhiteSpace(request.RefreshToken))
            throw new ImapOAuthRequestException("oauth_grant_invalid", "imap.oauth.refreshToken is required with imap.oauth.client.");

        var response = await endpoint.RefreshAsync(clientName, request.RefreshToken, cancellationToken).ConfigureAwait(false);
        return new StoredSecret(AccessToken: response.AccessToken, RefreshToken: response.RefreshToken ?? request.RefreshToken,
            ExpiresAt: response.ExpiresAt, Client: clientName);
    }

    /// <param name="slot">Where the grant is kept: its cache key, credential stamp and where a rotated refresh token is saved.</param>
    public async ValueTask<ImapSecret> GetAsync(Account account, StoredSecret grant, GrantSlot slot, bool forceRefresh, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var key = slot.CacheKey(account.Id);
        var stamp = slot.StampOf(account);
        if (!forceRefresh)
        {
            var cached = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (cached is not null && cached.Stamp == stamp && IsFresh(cached.ObtainedAt, cached.ExpiresAt))
                return new ImapSecret(cached.AccessToken);
            // The token obtained when the grant was stored (registration or rotation, both set UpdatedAt).
            if (grant.AccessToken is not null && IsFresh(account.UpdatedAt, grant.ExpiresAt))
                return new ImapSecret(grant.AccessToken);
        }

        await using (await cache.LockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            // Someone else may have refreshed while we waited (for a forced refresh: only after we were asked).
            var cached = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (cached is not null && cached.Stamp == stamp && IsFresh(cached.ObtainedAt, cached.ExpiresAt)
                && (!forceRefresh || cached.ObtainedAt >= started))
                return new ImapSecret(cached.AccessToken);

            // Another instance may have rotated the refresh token since this account record was read.
            var store = services.GetService<IAccountStore>();
            var latest = store is null ? null : await store.GetAsync(account.Id, cancellationToken).ConfigureAwait(false);
            if (latest is not null && slot.StampOf(latest) == stamp && slot.SecretOf(latest) is { } latestSecret && latestSecret != slot.SecretOf(account))
                grant = protector.Unprotect(latestSecret);

            var obtainedAt = time.GetUtcNow();
            var response = await endpoint.RefreshAsync(grant.Client ?? "", grant.RefreshToken ?? "", cancellationToken).ConfigureAwait(false);
            await cache.SetAsync(key, new CachedAccessToken
            {
                AccessToken = response.AccessToken,
                ExpiresAt = response.ExpiresAt,
                ObtainedAt = obtainedAt,
                Stamp = stamp ?? "",
            }, cancellationToken).ConfigureAwait(false);

            if (store is not null && response.RefreshToken is not null && response.RefreshToken != grant.RefreshToken)
                await SaveRotatedAsync(store, account, slot, grant, response, obtainedAt).ConfigureAwait(false);
            return new ImapSecret(response.AccessToken);
        }
    }

    /// <summary>Usable until <c>skew</c> before expiry; the skew is at most half the token's lifetime.</summary>
    private bool IsFresh(DateTimeOffset? obtainedAt, DateTimeOffset? expiresAt)
    {
        if (expiresAt is null)
            return false;
        var lifetime = expiresAt.Value - (obtainedAt ?? expiresAt.Value);
        if (lifetime < TimeSpan.Zero)
            lifetime = TimeSpan.Zero;
        var skew = TimeSpan.FromTicks(Math.Min(options.CurrentValue.RefreshSkew.Ticks, lifetime.Ticks / 2));
        return time.GetUtcNow() < expiresAt.Value - skew;
    }

    private async Task SaveRotatedAsync(IAccountStore store, Account account, GrantSlot slot, StoredSecret grant, TokenResponse response, DateTimeOffset obtainedAt)
    {
        // The new refresh token must not be lost once the endpoint issued it: don't let the caller cancel the save.
        // Field-level compare-and-set: only the secret changes, and only while the credentials are the ones refreshed,
        // so a delete, disable or credential change made while the endpoint answered is never undone.
        var rotated = grant with { RefreshToken = response.RefreshToken, AccessToken = response.AccessToken, ExpiresAt = response.ExpiresAt };
        var protectedSecret = protector.Protect(rotated);
        var saved = await store.UpdateAsync(account.Id, current => slot.StampOf(current) == slot.StampOf(account)
            ? slot.WithSecret(current, protectedSecret) with { UpdatedAt = obtainedAt }
            : null, CancellationToken.None).ConfigureAwait(false);
        if (saved is null)
            SecurityLog.RotatedTokenNotSaved(logger, account.Id);
        else
            SecurityLog.RefreshTokenRotated(logger, account.Id);
    }
}
