using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Sending;

/// <summary>Hourly send budgets per account and per caller: fixed one-hour windows counted in Redis (shared by every
/// instance) or in memory. A refused submission does not count.</summary>
internal sealed class SendBudget(IOptions<SendingOptions> options, TimeProvider time, IServiceProvider services)
{
    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();
    private readonly ConcurrentDictionary<string, long> _memory = new(StringComparer.Ordinal);

    /// <summary>Counts one submission; null when within budget, else the time until the window ends.</summary>
    public async Task<(string Limit, TimeSpan RetryAfter)?> TryTakeAsync(string accountId, string ownerId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var window = now.ToUnixTimeSeconds() / 3600;
        var retryAfter = TimeSpan.FromSeconds((window + 1) * 3600 - now.ToUnixTimeSeconds());
        var checks = new List<(string Key, int Limit, string Name)>();
        if (o.MessagesPerHour > 0) checks.Add(($"a:{accountId}:{window}", o.MessagesPerHour, "Sending:MessagesPerHour"));
        if (o.MessagesPerHourPerUser > 0) checks.Add(($"u:{ownerId}:{window}", o.MessagesPerHourPerUser, "Sending:MessagesPerHourPerUser"));
        var taken = new List<string>();
        foreach (var (key, limit, name) in checks)
        {
            var count = await IncrementAsync(key, 1).ConfigureAwait(false);
            taken.Add(key);
            if (count > limit)
            {
                foreach (var k in taken) await IncrementAsync(k, -1).ConfigureAwait(false);
                return (name, retryAfter);
            }
        }
        return null;
    }

    /// <summary>Uncounts a submission taken by <see cref="TryTakeAsync"/> that was refused afterwards (the outbox was full).</summary>
    public async Task GiveBackAsync(string accountId, string ownerId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var window = time.GetUtcNow().ToUnixTimeSeconds() / 3600;
        if (o.MessagesPerHour > 0) await IncrementAsync($"a:{accountId}:{window}", -1).ConfigureAwait(false);
        if (o.MessagesPerHourPerUser > 0) await IncrementAsync($"u:{ownerId}:{window}", -1).ConfigureAwait(false);
    }

    private async Task<long> IncrementAsync(string key, long by)
    {
        if (_redis is null)
            return _memory.AddOrUpdate(key, by, (_, v) => v + by);
        var redisKey = services.GetRequiredService<RedisKeys>().Of("sendbudget", key);
        var db = _redis.GetDatabase();
        var value = await db.StringIncrementAsync(redisKey, by).ConfigureAwait(false);
        if (by > 0 && value == by)
            await db.KeyExpireAsync(redisKey, TimeSpan.FromHours(2)).ConfigureAwait(false);
        return value;
    }
}
