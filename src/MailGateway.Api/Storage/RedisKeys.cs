using StackExchange.Redis;

namespace MailGateway.Api.Storage;

/// <summary>
/// Every Redis key and channel name the gateway uses is built here, from one prefix: <c>Redis:KeyPrefix</c> (default
/// <c>mg:</c>), so several gateway deployments (or test runs) can share one Redis or Redis Cluster, which has only
/// database 0. The layout is documented in docs/architecture.md. Redis Cluster: keys that one Lua script, transaction
/// or multi-key command touches together share a hash tag (the part in braces) so they live in one slot:
/// <see cref="InGroup"/> (<c>mg:{group}:rest</c>) for a feature's records and indexes, <see cref="ForAccount"/>
/// (<c>mg:{a:accountId}:rest</c>) for the keys of one account; single-key structures may use <see cref="Of(string, string)"/>.
/// The prefix may not contain braces, so the hash tag stays the first braced part. See docs/decisions/redis-cluster.md.
/// </summary>
internal sealed class RedisKeys
{
    public const string ConfigurationKey = "Redis:KeyPrefix";
    public const string DefaultPrefix = "mg:";

    public RedisKeys(string prefix = DefaultPrefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.IndexOfAny(['{', '}']) >= 0 || prefix.Any(char.IsWhiteSpace))
            throw new InvalidOperationException($"{ConfigurationKey} must be a non-empty prefix without braces or spaces (a brace would break Redis Cluster hash tags).");
        Prefix = prefix;
    }

    /// <summary>The prefix of <c>Redis:KeyPrefix</c> in <paramref name="configuration"/> (default <c>mg:</c>).</summary>
    public static RedisKeys From(IConfiguration configuration) =>
        new(configuration[ConfigurationKey] is { Length: > 0 } prefix ? prefix : DefaultPrefix);

    /// <summary>What every key starts with (default <c>mg:</c>).</summary>
    public string Prefix { get; }

    /// <summary><c>mg:{name}</c>.</summary>
    public RedisKey Of(string name) => Prefix + name;

    /// <summary><c>mg:{area}:{id}</c>.</summary>
    public RedisKey Of(string area, string id) => $"{Prefix}{area}:{id}";

    /// <summary>Prefix of a group of keys that share a slot: <c>mg:{group}:</c> (a script may derive keys from it).</summary>
    public string GroupPrefix(string group) => $"{Prefix}{{{group}}}:";

    /// <summary><c>mg:{group}:name</c>: in the same slot as every other key of the group.</summary>
    public RedisKey InGroup(string group, string name) => GroupPrefix(group) + name;

    /// <summary><c>mg:{a:accountId}:name</c>: in the same slot as every other key of the account.</summary>
    public RedisKey ForAccount(string accountId, string name) => GroupPrefix("a:" + accountId) + name;

    /// <summary>The text form, for APIs that take a string prefix (a cache's instance name, a channel prefix).</summary>
    public string Name(string name) => Prefix + name;
}
