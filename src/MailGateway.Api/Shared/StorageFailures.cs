using StackExchange.Redis;

namespace MailGateway.Api.Shared;

/// <summary>The gateway's storage (Redis) failing or too slow: on a request path always a 503
/// <c>storage_unavailable</c> with Retry-After, never a 500.</summary>
internal static class StorageFailures
{
    public const string Code = "storage_unavailable";
    public const string Title = "The gateway's storage is not available right now.";
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Any StackExchange.Redis failure: connection, server error (LOADING, READONLY after a failover) or a
    /// timeout (<see cref="RedisTimeoutException"/> is a <see cref="TimeoutException"/>, not a <see cref="RedisException"/>).</summary>
    public static bool IsStorageFailure(Exception exception) => exception switch
    {
        RedisException or RedisTimeoutException => true,
        AggregateException { InnerExceptions: [var single] } => IsStorageFailure(single),
        _ => false,
    };
}
