namespace MailGateway.Api.Storage;

/// <summary>Whether Redis is configured (<c>Redis:Configuration</c>): each feature asks here to choose its Redis or
/// in-memory parts; the host connects the one multiplexer (<c>Hosting/RedisExtensions</c>).</summary>
internal static class RedisConfiguration
{
    public const string ConfigurationKey = "Redis:Configuration";

    public static bool IsRedisConfigured(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[ConfigurationKey]);
}
