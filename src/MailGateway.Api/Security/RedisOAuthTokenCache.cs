using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Security;

/// <summary>
/// Shared by every instance: tokens under <c>mg:oauth:token:{accountId}</c>, encrypted with Data Protection
/// (same key ring as the stored credentials) and expiring with the token; refreshes serialized cluster-wide
/// with <c>mg:oauth:lock:{accountId}</c>.
/// </summary>
internal sealed class RedisOAuthTokenCache(
    IConnectionMultiplexer redis, RedisKeys keys, IDataProtectionProvider dataProtection, TimeProvider time, ILogger<RedisOAuthTokenCache> logger) : IOAuthTokenCache
{
    private static readonly TimeSpan LockLease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(20);
    private readonly IDataProtector _protector = dataProtection.CreateProtector("MailGateway.Security.ImapOAuthTokenCache.v1");
    private readonly LocalLocks _local = new();

    private RedisKey TokenKey(string accountId) => keys.Of("oauth:token", accountId);
    private RedisKey LockKey(string accountId) => keys.Of("oauth:lock", accountId);

    public async ValueTask<CachedAccessToken?> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        RedisValue value;
        try
        {
            value = await redis.GetDatabase().StringGetAsync(TokenKey(accountId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            SecurityLog.TokenCacheUnavailable(logger, ex.GetType().Name);
            return null;
        }
        if (value.IsNullOrEmpty)
            return null;
        try
        {
            var token = JsonSerializer.Deserialize<CachedAccessToken>(_protector.Unprotect((string)value!));
            return token is not null && token.ExpiresAt > time.GetUtcNow() ? token : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            return null; // written with a key this instance doesn't have: refresh instead
        }
    }

    public async ValueTask SetAsync(string accountId, CachedAccessToken token, CancellationToken cancellationToken)
    {
        var ttl = token.ExpiresAt - time.GetUtcNow();
        if (ttl <= TimeSpan.Zero)
            return;
        try
        {
            await redis.GetDatabase().StringSetAsync(TokenKey(accountId), _protector.Protect(JsonSerializer.Serialize(token)), ttl)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            SecurityLog.TokenCacheUnavailable(logger, ex.GetType().Name);
        }
    }

    public async ValueTask RemoveAsync(string accountId, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(TokenKey(accountId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            SecurityLog.TokenCacheUnavailable(logger, ex.GetType().Name); // it expires with the token anyway
        }
    }

    public async ValueTask<IAsyncDisposable> LockAsync(string accountId, CancellationToken cancellationToken)
    {
        var local = await _local.AcquireAsync(accountId, cancellationToken).ConfigureAwait(false);
        var db = redis.GetDatabase();
        var owner = (RedisValue)Guid.NewGuid().ToString("N");
        try
        {
            if (!await db.TakeAsync(LockKey(accountId), owner, LockLease, LockWait, time, cancellationToken).ConfigureAwait(false))
            {
                // The holder died or hangs; its lease expires anyway. Proceed rather than fail the login.
                SecurityLog.RefreshLockTimeout(logger, accountId);
                return local;
            }
        }
        catch (RedisException ex)
        {
            SecurityLog.TokenCacheUnavailable(logger, ex.GetType().Name);
            return local;
        }
        catch
        {
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new LocalLocks.Releaser(() =>
        {
            // Fire and forget: the lease expires by itself if this fails.
            _ = db.ReleaseAsync(LockKey(accountId), owner, CommandFlags.FireAndForget);
            local.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
    }
}
