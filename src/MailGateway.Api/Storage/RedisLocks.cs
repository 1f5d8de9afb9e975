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

    /// <summary>One key, so it runs on any Redis Cluster slot: take the lock unless a holder outside ARGV[3..] has it.</summary>
    private const string TakeOverScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then
          for i = 3, #ARGV do
            if ARGV[i] == holder then return false end
          end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return holder or ''
        """;

    /// <summary>
    /// Takes <paramref name="key"/> for <paramref name="owner"/> when it is free, already the owner's, or held by
    /// someone not in <paramref name="alive"/> (compare-and-set in one script, never a blind SET): a holder that comes
    /// back fails its next <see cref="ExtendAsync"/> and stops. Returns null when a live holder keeps it, else the
    /// previous holder ("" when the lock was free).
    /// </summary>
    public static async Task<string?> TakeOverAsync(this IDatabase db, RedisKey key, RedisValue owner, TimeSpan ttl, IEnumerable<string> alive)
    {
        RedisValue[] args = [owner, (long)ttl.TotalMilliseconds, .. alive.Select(a => (RedisValue)a)];
        var result = await db.ScriptEvaluateAsync(TakeOverScript, [key], args).ConfigureAwait(false);
        return result.IsNull ? null : (string?)result;
    }

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
