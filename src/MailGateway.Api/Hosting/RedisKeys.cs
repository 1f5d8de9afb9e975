using StackExchange.Redis;

namespace MailGateway.Api.Hosting;

/// <summary>
/// The one rule for Redis key names. Every key starts with <see cref="RedisExtensions.KeyPrefix"/>; keys that one Lua
/// script, transaction or multi-key command touches together share a Redis Cluster hash tag (the part in braces), so
/// they live in one slot: <c>mg:{group}:rest</c> for a feature's index and records, <c>mg:{a:accountId}:rest</c> for
/// the keys of one account. On a single Redis the braces are just characters. See docs/decisions/redis-cluster.md.
/// </summary>
internal static class RedisKeys
{
    /// <summary>Prefix of a group of keys that share a slot: <c>mg:{group}:</c> (a script may derive keys from it).</summary>
    public static string GroupPrefix(string group) => $"{RedisExtensions.KeyPrefix}{{{group}}}:";

    /// <summary><c>mg:{group}:name</c>: in the same slot as every other key of the group.</summary>
    public static RedisKey InGroup(string group, string name) => GroupPrefix(group) + name;

    /// <summary><c>mg:{a:accountId}:name</c>: in the same slot as every other key of the account.</summary>
    public static RedisKey ForAccount(string accountId, string name) => GroupPrefix("a:" + accountId) + name;
}
