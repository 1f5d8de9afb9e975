using MailGateway.Api.Cluster;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Events;

/// <summary>Who watches an account. With Redis exactly one instance holds <c>mg:watch:{accountId}</c>.</summary>
internal interface IWatchLeases
{
    Task<bool> TryAcquireAsync(string accountId, CancellationToken cancellationToken);
    /// <summary>Like <see cref="TryAcquireAsync"/>, and also takes the lease from a holder that is not among
    /// <paramref name="live"/> (a dead instance) at once instead of waiting for it to expire. Null when not taken,
    /// else the previous holder ("" when the lease was free).</summary>
    Task<string?> TryTakeOverAsync(string accountId, IReadOnlyCollection<string> live, CancellationToken cancellationToken);
    /// <summary>False when the lease was lost (expired and taken by another instance): stop watching.</summary>
    Task<bool> RenewAsync(string accountId, CancellationToken cancellationToken);
    Task ReleaseAsync(string accountId, CancellationToken cancellationToken);
}

/// <summary>A single instance owns every lease.</summary>
internal sealed class InMemoryWatchLeases : IWatchLeases
{
    public Task<bool> TryAcquireAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult(true);
    public Task<string?> TryTakeOverAsync(string accountId, IReadOnlyCollection<string> live, CancellationToken cancellationToken) =>
        Task.FromResult<string?>("");
    public Task<bool> RenewAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult(true);
    public Task ReleaseAsync(string accountId, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A <see cref="RedisLocks"/> lock on <c>mg:watch:{id}</c> held by the instance id.</summary>
internal sealed class RedisWatchLeases(IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity instance, IOptions<EventsOptions> options) : IWatchLeases
{
    private RedisKey Key(string accountId) => keys.Of("watch", accountId);

    public Task<bool> TryAcquireAsync(string accountId, CancellationToken cancellationToken) =>
        redis.GetDatabase().TryTakeAsync(Key(accountId), instance.Id, options.Value.LeaseTtl);

    public Task<string?> TryTakeOverAsync(string accountId, IReadOnlyCollection<string> live, CancellationToken cancellationToken) =>
        redis.GetDatabase().TakeOverAsync(Key(accountId), instance.Id, options.Value.LeaseTtl, live).WaitAsync(cancellationToken);

    public Task<bool> RenewAsync(string accountId, CancellationToken cancellationToken) =>
        redis.GetDatabase().ExtendAsync(Key(accountId), instance.Id, options.Value.LeaseTtl);

    public Task ReleaseAsync(string accountId, CancellationToken cancellationToken) =>
        redis.GetDatabase().ReleaseAsync(Key(accountId), instance.Id);
}
