using MailGateway.Api.Storage;
using StackExchange.Redis;

namespace MailGateway.Api.Webhooks;

/// <summary>Subscription storage: Redis when configured, else in memory (<see cref="IRecordStore{T}"/>).</summary>
public interface IWebhookStore : IRecordStore<Webhook>;

internal sealed class InMemoryWebhookStore : InMemoryRecordStore<Webhook>, IWebhookStore;

/// <summary><c>mg:wh:sub:{id}</c> holds the JSON of one subscription, <c>mg:wh:owner:{ownerId}</c> the ids of an owner,
/// <c>mg:wh:all</c> every id.</summary>
internal sealed class RedisWebhookStore(IConnectionMultiplexer redis)
    : RedisRecordStore<Webhook>(redis, Layout, WebhookJson.Options), IWebhookStore
{
    private static readonly RecordKeyLayout Layout = new(
        id => RedisKeys.Of("wh:sub", id), owner => RedisKeys.Of("wh:owner", owner), RedisKeys.Of("wh:all"));
}
