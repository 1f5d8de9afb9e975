using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using MailGateway.Api.Storage;
using StackExchange.Redis;

namespace MailGateway.Api.Cluster;

/// <summary>One fixed window of one policy for one user (or client): at most <see cref="Permits"/> per <see cref="Window"/>.</summary>
internal readonly record struct RateWindowKey(string Policy, string Partition, int Permits, TimeSpan Window);

/// <summary>Per-user request windows. With Redis they are counted for the whole cluster, so a user gets the same
/// budget however many instances serve them (docs/architecture.md, "Which instance does what"); without Redis, per instance.</summary>
internal interface IRateWindows
{
    /// <summary>Takes one permit: null when granted, else how long until the window has room again.</summary>
    ValueTask<TimeSpan?> TryTakeAsync(RateWindowKey key, CancellationToken cancellationToken);
}

/// <summary>This instance's own windows (no Redis, or Redis unreachable).</summary>
internal sealed class LocalRateWindows : IRateWindows, IDisposable
{
    private readonly PartitionedRateLimiter<RateWindowKey> _limiter = PartitionedRateLimiter.Create<RateWindowKey, RateWindowKey>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions { PermitLimit = k.Permits, Window = k.Window, QueueLimit = 0 }));

    public ValueTask<TimeSpan?> TryTakeAsync(RateWindowKey key, CancellationToken cancellationToken)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return ValueTask.FromResult<TimeSpan?>(null);
        return ValueTask.FromResult<TimeSpan?>(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : key.Window);
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// <c>mg:{rl:hash}:policy</c>: a counter per user and policy that lives one window (INCR, PEXPIRE on the first permit),
/// one key in one slot, so it works on Redis Cluster. The hash (of the owner id or client address) keeps user ids out of
/// key names. When Redis does not answer, the instance falls back to its own windows rather than refuse or wave through.
/// </summary>
internal sealed class RedisRateWindows(IConnectionMultiplexer redis, RedisKeys keys, LocalRateWindows fallback, ILogger<RedisRateWindows> logger) : IRateWindows
{
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {n, ttl}
        """;

    public async ValueTask<TimeSpan?> TryTakeAsync(RateWindowKey key, CancellationToken cancellationToken)
    {
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, [Key(key)], [(long)key.Window.TotalMilliseconds])
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            ClusterLog.RateWindowUnavailable(logger, ex);
            return await fallback.TryTakeAsync(key, cancellationToken).ConfigureAwait(false);
        }
        return (long)result[0] <= key.Permits ? null : TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1]));
    }

    internal RedisKey Key(RateWindowKey key)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Partition)), 0, 16);
        return keys.InGroup("rl:" + hash, key.Policy);
    }
}
