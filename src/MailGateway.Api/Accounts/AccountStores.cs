using System.Text.Json;
using System.Text.Json.Serialization;
using MailGateway.Api.Storage;
using StackExchange.Redis;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Accounts in process memory (tests, quick try; lost on restart).</summary>
internal sealed class InMemoryAccountStore : InMemoryRecordStore<Account>, IAccountStore;

/// <summary>Accounts in Redis: JSON at <c>mg:{accounts}:account:{id}</c>, ids per owner in the set
/// <c>mg:{accounts}:owner:{owner}</c>, all ids in <c>mg:{accounts}:all</c> (one hash tag, so the store's transactions and
/// multi-key reads work on Redis Cluster). The secret is stored only as Data Protection ciphertext.</summary>
internal sealed class RedisAccountStore(IConnectionMultiplexer redis, RedisKeys keys) : RedisRecordStore<Account>(redis, Layout(keys), Json), IAccountStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private const string Group = "accounts";

    private static RecordKeyLayout Layout(RedisKeys keys) =>
        new(id => keys.InGroup(Group, "account:" + id), owner => keys.InGroup(Group, "owner:" + owner), keys.InGroup(Group, "all"));
}
