using StackExchange.Redis;

namespace MailGateway.Api.Storage;

/// <summary>
/// The one distributed lock of the gateway: a key that holds its owner's token with a TTL (watch leases, the OAuth
/// refresh lock). Taking is <c>SET NX PX</c>; extending and releasing compare the owner first (StackExchange.Redis
/// <c>LockTake</c>/<c>LockExtend</c>/<c>LockRelease</c>), so an owner never extends or deletes a lock it lost.
/// Why leases: docs/decisions/leases.md.
/// </summary>
internal static class RedisLocks
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>True when <paramref name="owner"/> now holds <paramref name="key"/> for <paramref name="ttl"/>.</summary>
    public static Task<bool> TryTakeAsync(this IDatabase db, RedisKey key, RedisValue owner, TimeSpan ttl) =>
        db.LockTakeAsync(key, owner, ttl);

    /// <summary>False when the lock expired or another owner holds it: stop what it protects.</summary>
    public static Task<bool> ExtendAsync(this IDatabase db, RedisKey key, RedisValue owner, TimeSpan ttl) =>
        db.LockExtendAsync(key, owner, ttl);

    public static Task<bool> ReleaseAsync(this IDatabase db, RedisKey key, RedisValue owner, CommandFlags flags = CommandFlags.None) =>
        db.LockReleaseAsync(key, owner, flags);

    /// <summary>Polls until the lock is taken (true) or <paramref name="wait"/> has passed (false).</summary>
    public static async Task<bool> TakeAsync(this IDatabase db, RedisKey key, RedisValue owner, TimeSpan ttl, TimeSpan wait,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (!await db.LockTakeAsync(key, owner, ttl).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (time.GetUtcNow() > deadline)
                return false;
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }
}
