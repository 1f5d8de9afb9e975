using MailGateway.Api.Storage;
using StackExchange.Redis;

namespace MailGateway.Api.Webhooks;

/// <summary>Subscription storage: Redis when configured, else in memory (<see cref="IRecordStore{T}"/>).</summary>
public interface IWebhookStore : IRecordStore<Webhook>;

internal sealed class InMemoryWebhookStore : InMemoryRecordStore<Webhook>, IWebhookStore;

/// <summary><c>mg:{webhooks}:sub:{id}</c> holds the JSON of one subscription, <c>mg:{webhooks}:owner:{ownerId}</c> the ids
/// of an owner, <c>mg:{webhooks}:all</c> every id (one hash tag: the store's transactions work on Redis Cluster).</summary>
internal sealed class RedisWebhookStore(IConnectionMultiplexer redis, RedisKeys keys)
    : RedisRecordStore<Webhook>(redis, Layout(keys), WebhookJson.Options), IWebhookStore
{
    private static RecordKeyLayout Layout(RedisKeys keys) => new(
        id => keys.InGroup("webhooks", "sub:" + id), owner => keys.InGroup("webhooks", "owner:" + owner), keys.InGroup("webhooks", "all"));
}
