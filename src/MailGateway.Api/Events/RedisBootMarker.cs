using MailGateway.Api.Cluster;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Events;

/// <summary>
/// Notices a Redis that lost its data (restarted without persistence, or a failover to a replica that missed
/// writes): the boot marker <c>mg:boot</c>, written once, is checked every <see cref="EventsOptions.BootMarkerInterval"/>.
/// When it is gone the gateway logs it loudly and re-creates what it can at once: this instance's live watch demand
/// (its running watches then fail to renew their leases and restart, and with their sync state gone they start from
/// a fresh baseline, so old mail is never announced as new), and every <see cref="IRedisDataLossListener"/> (the
/// webhooks' persistent watch demand); the counter <c>mailgateway.events.redis_data_lost</c> counts it. Accounts, webhooks and queued deliveries written before
/// are gone unless Redis persists them (AOF).
/// </summary>
internal sealed class RedisBootMarker(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IWatchDemand demand,
    InstanceIdentity instance,
    EventsTelemetry telemetry,
    IEnumerable<IRedisDataLossListener> listeners,
    IOptions<EventsOptions> options,
    TimeProvider time,
    ILogger<RedisBootMarker> logger) : BackgroundService
{
    private readonly RedisKey _key = keys.Of("boot");
    private bool _seen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.BootMarkerInterval, time);
        do
        {
            try
            {
                await CheckAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis away: nothing to compare; the next tick tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    internal async Task CheckAsync()
    {
        var created = await redis.GetDatabase().StringSetAsync(_key, $"{instance.Id}@{time.GetUtcNow():O}", when: When.NotExists).ConfigureAwait(false);
        if (!created)
        {
            _seen = true;
            return;
        }
        if (!_seen)
        {
            _seen = true;
            EventsLog.BootMarkerCreated(logger);
            return;
        }
        EventsLog.RedisDataLost(logger);
        telemetry.RedisDataLost();
        if (demand is RedisWatchDemand shared) await shared.RenewAsync().ConfigureAwait(false);
        foreach (var listener in listeners) listener.RedisDataLost();
    }
}

/// <summary>Something that keeps state in Redis and can write it again after Redis lost its data (e.g. the webhooks'
/// persistent watch demand, re-derived from the subscriptions).</summary>
internal interface IRedisDataLossListener
{
    /// <summary>Called once per detected loss; must return quickly (schedule the work).</summary>
    void RedisDataLost();
}
