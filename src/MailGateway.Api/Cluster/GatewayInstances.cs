using System.Text.Json;
using MailGateway.Api.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MailGateway.Api.Cluster;

/// <summary>One gateway instance as the others see it (the operator view, <c>GET /api/v1/admin/instances</c>).</summary>
public sealed record InstanceInfo(
    string Id, string Version, string Host, DateTimeOffset StartedAt, DateTimeOffset LastSeen, int AccountsWatched, long ImapConnectionsOpen);

/// <summary>The live instances: each renews its registration with a heartbeat; one that stops renewing drops out.</summary>
internal interface IGatewayInstances
{
    /// <summary>Registers or renews this instance (no-op after <see cref="LeaveAsync"/>).</summary>
    Task BeatAsync(InstanceInfo self, CancellationToken cancellationToken);
    /// <summary>Ids of the live instances (this one included while it has not left).</summary>
    Task<IReadOnlyList<string>> LiveAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<InstanceInfo>> ListAsync(CancellationToken cancellationToken);
    /// <summary>Deregisters for good (graceful shutdown): the others take this instance's accounts at once.</summary>
    Task LeaveAsync(CancellationToken cancellationToken);
    bool HasLeft { get; }
}

/// <summary>A single instance: only itself.</summary>
internal sealed class InMemoryGatewayInstances(InstanceIdentity identity) : IGatewayInstances
{
    private InstanceInfo? _self;

    public bool HasLeft { get; private set; }

    public Task BeatAsync(InstanceInfo self, CancellationToken cancellationToken)
    {
        if (!HasLeft) _self = self;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> LiveAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(HasLeft ? [] : [identity.Id]);

    public Task<IReadOnlyList<InstanceInfo>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<InstanceInfo>>(_self is null || HasLeft ? [] : [_self]);

    public Task LeaveAsync(CancellationToken cancellationToken)
    {
        HasLeft = true;
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>mg:{cluster}:instances</c>: sorted set of instance ids scored by registration expiry (unix ms);
/// <c>mg:{cluster}:instance:{id}</c>: its <see cref="InstanceInfo"/> JSON, expiring with it. One hash tag, so the
/// multi-key read works on Redis Cluster.
/// </summary>
internal sealed class RedisGatewayInstances(
    IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity identity, IOptions<ClusterOptions> options, TimeProvider time) : IGatewayInstances
{
    private const string Group = "cluster";
    private readonly RedisKey _setKey = keys.InGroup(Group, "instances");
    private RedisKey InfoKey(string id) => keys.InGroup(Group, "instance:" + id);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool HasLeft { get; private set; }

    public async Task BeatAsync(InstanceInfo self, CancellationToken cancellationToken)
    {
        if (HasLeft) return;
        var ttl = options.Value.InstanceTtl;
        var db = redis.GetDatabase();
        var expiry = (time.GetUtcNow() + ttl).ToUnixTimeMilliseconds();
        await Task.WhenAll(
            db.SortedSetAddAsync(_setKey, identity.Id, expiry),
            db.StringSetAsync(InfoKey(identity.Id), JsonSerializer.Serialize(self, Json), ttl)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> LiveAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SortedSetRemoveRangeByScoreAsync(_setKey, double.NegativeInfinity, now, Exclude.Stop).WaitAsync(cancellationToken).ConfigureAwait(false);
        var live = await db.SortedSetRangeByScoreAsync(_setKey, now, double.PositiveInfinity).WaitAsync(cancellationToken).ConfigureAwait(false);
        var ids = live.Select(v => v.ToString()).Where(id => !HasLeft || id != identity.Id).ToList();
        if (!HasLeft && !ids.Contains(identity.Id)) ids.Add(identity.Id); // not registered yet: it still counts itself
        return ids;
    }

    public async Task<IReadOnlyList<InstanceInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var ids = await LiveAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0) return [];
        var values = await redis.GetDatabase().StringGetAsync([.. ids.Select(InfoKey)]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. values.Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<InstanceInfo>(v.ToString(), Json)!).OrderBy(i => i.StartedAt)];
    }

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        HasLeft = true;
        var db = redis.GetDatabase();
        await Task.WhenAll(db.SortedSetRemoveAsync(_setKey, identity.Id), db.KeyDeleteAsync(InfoKey(identity.Id))).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
