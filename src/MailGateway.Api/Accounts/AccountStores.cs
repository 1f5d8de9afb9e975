using System.Text.Json;
using System.Text.Json.Serialization;
using MailGateway.Api.Storage;
using StackExchange.Redis;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Accounts in process memory (tests, quick try; lost on restart).</summary>
internal sealed class InMemoryAccountStore : InMemoryRecordStore<Account>, IAccountStore;

/// <summary>Accounts in Redis: JSON at <c>mg:account:{id}</c>, ids per owner in the set <c>mg:owner:{owner}:accounts</c>,
/// all ids in <c>mg:accounts</c>. The secret is stored only as Data Protection ciphertext.</summary>
internal sealed class RedisAccountStore(IConnectionMultiplexer redis) : RedisRecordStore<Account>(redis, Layout, Json), IAccountStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    internal static RedisKey AccountKey(string id) => RedisKeys.Of("account", id);

    private static readonly RecordKeyLayout Layout = new(AccountKey, owner => RedisKeys.Of("owner", owner + ":accounts"), RedisKeys.Of("accounts"));
}
