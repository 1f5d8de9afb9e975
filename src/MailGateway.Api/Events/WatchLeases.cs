using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MailGateway.Api.Events;

/// <summary>Who watches an account. With Redis exactly one instance holds <c>mg:watch:{accountId}</c>.</summary>
internal interface IWatchLeases
{
    Task<bool> TryAcquireAsync(string accountId, CancellationToken cancellationToken);
    /// <summary>False when the lease was lost (expired and taken by another instance): stop watching.</summary>
    Task<bool> RenewAsync(string accountId, CancellationToken cancellationToken);
    Task ReleaseAsync(string accountId, CancellationToken cancellationToken);
}

/// <summary>A single instance owns every lease.</summary>
internal sealed class InMemoryWatchLeases : IWatchLeases
{
    public Task<bool> TryAcquireAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult(true);
    public Task<bool> RenewAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult(true);
    public Task ReleaseAsync(string accountId, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary><c>SET mg:watch:{id} {instance} NX PX ttl</c>; renewal and release only by the owner (Lua compare-and-act).</summary>
internal sealed class RedisWatchLeases(IConnectionMultiplexer redis, EventsInstance instance, IOptions<EventsOptions> options) : IWatchLeases
{
    private const string RenewScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private static RedisKey Key(string accountId) => "mg:watch:" + accountId;

    public Task<bool> TryAcquireAsync(string accountId, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(Key(accountId), instance.Id, options.Value.LeaseTtl, When.NotExists);

    public async Task<bool> RenewAsync(string accountId, CancellationToken cancellationToken)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(RenewScript, [Key(accountId)],
            [instance.Id, (long)options.Value.LeaseTtl.TotalMilliseconds]).ConfigureAwait(false);
        return (long)result == 1;
    }

    public Task ReleaseAsync(string accountId, CancellationToken cancellationToken) =>
        redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key(accountId)], [instance.Id]);
}
