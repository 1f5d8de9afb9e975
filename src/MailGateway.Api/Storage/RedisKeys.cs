using StackExchange.Redis;

namespace MailGateway.Api.Storage;

/// <summary>
/// Every Redis key and channel name the gateway uses is built here, so the prefix (<see cref="Hosting.RedisExtensions.KeyPrefix"/>)
/// is a one-place change. The layout is documented in docs/architecture.md. Redis Cluster: keys that one Lua script,
/// transaction or multi-key command touches together share a hash tag (the part in braces) so they live in one slot:
/// <see cref="InGroup"/> (<c>mg:{group}:rest</c>) for a feature's records and indexes, <see cref="ForAccount"/>
/// (<c>mg:{a:accountId}:rest</c>) for the keys of one account; single-key structures may use <see cref="Of(string, string)"/>.
/// See docs/decisions/redis-cluster.md.
/// </summary>
internal static class RedisKeys
{
    public const string Prefix = Hosting.RedisExtensions.KeyPrefix;

    /// <summary><c>mg:{name}</c>.</summary>
    public static RedisKey Of(string name) => Prefix + name;

    /// <summary><c>mg:{area}:{id}</c>.</summary>
    public static RedisKey Of(string area, string id) => $"{Prefix}{area}:{id}";

    /// <summary>Prefix of a group of keys that share a slot: <c>mg:{group}:</c> (a script may derive keys from it).</summary>
    public static string GroupPrefix(string group) => $"{Prefix}{{{group}}}:";

    /// <summary><c>mg:{group}:name</c>: in the same slot as every other key of the group.</summary>
    public static RedisKey InGroup(string group, string name) => GroupPrefix(group) + name;

    /// <summary><c>mg:{a:accountId}:name</c>: in the same slot as every other key of the account.</summary>
    public static RedisKey ForAccount(string accountId, string name) => GroupPrefix("a:" + accountId) + name;

    /// <summary>The text form, for APIs that take a string prefix (a cache's instance name, a channel prefix).</summary>
    public static string Name(string name) => Prefix + name;
}
