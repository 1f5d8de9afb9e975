using StackExchange.Redis;

namespace MailGateway.Api.Storage;

/// <summary>
/// Every Redis key and channel name the gateway uses is built here, so the prefix (<see cref="Hosting.RedisExtensions.KeyPrefix"/>)
/// and a future Redis Cluster hash tag are one-place changes. The layout is documented in docs/architecture.md.
/// </summary>
internal static class RedisKeys
{
    public const string Prefix = Hosting.RedisExtensions.KeyPrefix;

    /// <summary><c>mg:{name}</c>.</summary>
    public static RedisKey Of(string name) => Prefix + name;

    /// <summary><c>mg:{area}:{id}</c>.</summary>
    public static RedisKey Of(string area, string id) => $"{Prefix}{area}:{id}";

    /// <summary>The text form, for APIs that take a string prefix (a cache's instance name, a channel prefix).</summary>
    public static string Name(string name) => Prefix + name;
}
