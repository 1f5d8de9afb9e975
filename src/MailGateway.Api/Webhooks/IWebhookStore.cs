using System.Collections.Concurrent;
using System.Text.Json;
using MailGateway.Api.Hosting;
using StackExchange.Redis;

namespace MailGateway.Api.Webhooks;

/// <summary>Subscription storage: Redis when configured, else in memory.</summary>
public interface IWebhookStore
{
    Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<Webhook>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default);
    /// <summary>Every subscription (to decide which accounts must be watched).</summary>
    Task<IReadOnlyList<Webhook>> ListAllAsync(CancellationToken cancellationToken = default);
    Task SaveAsync(Webhook webhook, CancellationToken cancellationToken = default);
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);
}

internal sealed class InMemoryWebhookStore : IWebhookStore
{
    private readonly ConcurrentDictionary<string, Webhook> _webhooks = new(StringComparer.Ordinal);

    public Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_webhooks.GetValueOrDefault(id));

    public Task<IReadOnlyList<Webhook>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Webhook>>([.. _webhooks.Values.Where(w => w.OwnerId == ownerId).OrderBy(w => w.CreatedAt)]);

    public Task<IReadOnlyList<Webhook>> ListAllAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Webhook>>([.. _webhooks.Values]);

    public Task SaveAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        _webhooks[webhook.Id] = webhook;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_webhooks.TryRemove(id, out _));
}

/// <summary><c>mg:{webhooks}:sub:{id}</c> holds the JSON of one subscription, <c>mg:{webhooks}:owner:{ownerId}</c> the ids
/// of an owner, <c>mg:{webhooks}:all</c> every id (one hash tag: the transactions work on Redis Cluster).</summary>
internal sealed class RedisWebhookStore(IConnectionMultiplexer redis) : IWebhookStore
{
    private IDatabase Db => redis.GetDatabase();
    private static RedisKey Key(string id) => RedisKeys.InGroup("webhooks", "sub:" + id);
    private static RedisKey OwnerKey(string ownerId) => RedisKeys.InGroup("webhooks", "owner:" + ownerId);
    private static readonly RedisKey AllKey = RedisKeys.InGroup("webhooks", "all");

    public async Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var json = await Db.StringGetAsync(Key(id)).ConfigureAwait(false);
        return json.IsNull ? null : JsonSerializer.Deserialize<Webhook>((string)json!, WebhookJson.Options);
    }

    public Task<IReadOnlyList<Webhook>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) =>
        ListAsync(OwnerKey(ownerId));

    public Task<IReadOnlyList<Webhook>> ListAllAsync(CancellationToken cancellationToken = default) => ListAsync(AllKey);

    private async Task<IReadOnlyList<Webhook>> ListAsync(RedisKey index)
    {
        var ids = await Db.SetMembersAsync(index).ConfigureAwait(false);
        if (ids.Length == 0)
            return [];
        var values = await Db.StringGetAsync([.. ids.Select(id => Key(id!))]).ConfigureAwait(false);
        return [.. values.Where(v => !v.IsNull)
            .Select(v => JsonSerializer.Deserialize<Webhook>((string)v!, WebhookJson.Options)!)
            .OrderBy(w => w.CreatedAt)];
    }

    public async Task SaveAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        var tx = Db.CreateTransaction();
        _ = tx.StringSetAsync(Key(webhook.Id), JsonSerializer.Serialize(webhook, WebhookJson.Options));
        _ = tx.SetAddAsync(OwnerKey(webhook.OwnerId), webhook.Id);
        _ = tx.SetAddAsync(AllKey, webhook.Id);
        await tx.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var existing = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
            return false;
        var tx = Db.CreateTransaction();
        _ = tx.KeyDeleteAsync(Key(id));
        _ = tx.SetRemoveAsync(OwnerKey(existing.OwnerId), id);
        _ = tx.SetRemoveAsync(AllKey, id);
        return await tx.ExecuteAsync().ConfigureAwait(false);
    }
}
