using MailGateway.Api.Storage;
using MailGateway.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Storage;

/// <summary>
/// <see cref="RedisLocks.TakeOverAsync"/> on the fixture's real Redis: how a failover replaces a dead watcher at once
/// (issue 15). A free lock or one held by an instance that is not live is taken; one held by a live instance is not;
/// and the holder that lost it (a frozen instance waking up) fails its next extend, so it stops watching.
/// </summary>
public sealed class LockTakeOverTests(MailEnvFixture fixture)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<(IConnectionMultiplexer Redis, RedisKey Key)> LockAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Env.RedisConfiguration!);
        return (redis, "test:takeover:" + Guid.NewGuid().ToString("N"));
    }

    [Fact]
    public async Task A_dead_holders_lock_is_taken_at_once_and_the_holder_loses_its_renewal()
    {
        var (redis, key) = await LockAsync();
        await using var _ = redis;
        var db = redis.GetDatabase();
        Assert.True(await db.TryTakeAsync(key, "frozen", Ttl));

        // "frozen" is no longer among the live instances: the owner takes the lock over, long before its TTL.
        Assert.Equal("frozen", await db.TakeOverAsync(key, "owner", Ttl, ["owner", "other"]));
        Assert.Equal("owner", (string?)await db.StringGetAsync(key));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(20), Ttl);

        // The frozen holder wakes up: its renewal and release fail, the new owner's lock stays.
        Assert.False(await db.ExtendAsync(key, "frozen", Ttl));
        Assert.False(await db.ReleaseAsync(key, "frozen"));
        Assert.True(await db.ExtendAsync(key, "owner", Ttl));
    }

    [Fact]
    public async Task A_live_holder_keeps_its_lock_and_a_free_or_own_lock_is_taken()
    {
        var (redis, key) = await LockAsync();
        await using var _ = redis;
        var db = redis.GetDatabase();

        Assert.Equal("", await db.TakeOverAsync(key, "owner", Ttl, ["owner"]));
        Assert.Equal("owner", await db.TakeOverAsync(key, "owner", Ttl, ["owner"]));

        await db.KeyDeleteAsync(key);
        Assert.True(await db.TryTakeAsync(key, "live", Ttl));
        Assert.Null(await db.TakeOverAsync(key, "owner", Ttl, ["owner", "live"]));
        Assert.Equal("live", (string?)await db.StringGetAsync(key));
        Assert.True(await db.ExtendAsync(key, "live", Ttl));
    }
}
