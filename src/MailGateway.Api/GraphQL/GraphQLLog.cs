namespace MailGateway.Api.GraphQL;

internal static partial class GraphQLLog
{
    [LoggerMessage(EventId = 6001, EventName = "GraphQLResolverFailed", Level = LogLevel.Error,
        Message = "GraphQL field {Field} failed with an unexpected exception")]
    public static partial void ResolverFailed(ILogger logger, string field, Exception exception);

    [LoggerMessage(EventId = 6002, EventName = "GraphQLSocketOpened", Level = LogLevel.Debug,
        Message = "GraphQL WebSocket opened")]
    public static partial void SocketOpened(ILogger logger);

    [LoggerMessage(EventId = 6003, EventName = "GraphQLSocketClosed", Level = LogLevel.Debug,
        Message = "GraphQL WebSocket closed with {CloseCode} ({Reason})")]
    public static partial void SocketClosed(ILogger logger, int closeCode, string reason);

    [LoggerMessage(EventId = 6004, EventName = "GraphQLSocketFailed", Level = LogLevel.Warning,
        Message = "GraphQL WebSocket ended unexpectedly")]
    public static partial void SocketFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6005, EventName = "GraphQLSubscriptionStarted", Level = LogLevel.Debug,
        Message = "GraphQL subscription to account {AccountId} started")]
    public static partial void SubscriptionStarted(ILogger logger, string accountId);

    [LoggerMessage(EventId = 6006, EventName = "GraphQLSubscriberLagging", Level = LogLevel.Warning,
        Message = "GraphQL subscriber of account {AccountId} is too slow; oldest events were dropped")]
    public static partial void SubscriberLagging(ILogger logger, string accountId);

    [LoggerMessage(EventId = 6007, EventName = "GraphQLRateLimited", Level = LogLevel.Information,
        Message = "GraphQL request refused by the per-user rate limit")]
    public static partial void RateLimited(ILogger logger);

    [LoggerMessage(EventId = 6008, EventName = "GraphQLDemandReleaseFailed", Level = LogLevel.Warning,
        Message = "Releasing the watch demand of a GraphQL subscription failed (it expires by itself)")]
    public static partial void DemandReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6009, EventName = "GraphQLSocketOperationFailed", Level = LogLevel.Error,
        Message = "A GraphQL operation on a WebSocket failed unexpectedly; it was answered with an error")]
    public static partial void OperationFailed(ILogger logger, Exception exception);
}
