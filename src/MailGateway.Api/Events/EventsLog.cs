namespace MailGateway.Api.Events;

internal static partial class EventsLog
{
    [LoggerMessage(EventId = 3320, EventName = "PublishFailed", Level = LogLevel.Warning, Message = "Event {EventId} ({Type}) was not published (the durable side did not take it); the watch retries it from IMAP state")]
    public static partial void PublishFailed(ILogger logger, string eventId, string type, Exception exception);

    [LoggerMessage(EventId = 3330, EventName = "RedisDataLost", Level = LogLevel.Critical, Message = "Redis lost its data (the boot marker mg:boot is gone: a restart without persistence or a failover to a replica that missed writes). Accounts, webhooks, queued deliveries and sync states written before are gone unless restored; watches restart from a fresh baseline and announce only mail that arrives from now on. Run Redis with appendonly yes.")]
    public static partial void RedisDataLost(ILogger logger);

    [LoggerMessage(EventId = 3331, EventName = "BootMarkerCreated", Level = LogLevel.Information, Message = "Redis boot marker mg:boot created (first gateway start on this Redis, or its data was lost while no gateway ran)")]
    public static partial void BootMarkerCreated(ILogger logger);

    [LoggerMessage(EventId = 4001, EventName = "SinkFailed", Level = LogLevel.Error, Message = "Event sink {Sink} failed for event {EventId} ({Type})")]
    public static partial void SinkFailed(ILogger logger, string sink, string eventId, string type, Exception exception);

    [LoggerMessage(EventId = 4002, EventName = "WatchStarted", Level = LogLevel.Information, Message = "This instance now watches account {AccountId}")]
    public static partial void WatchStarted(ILogger logger, string accountId);

    [LoggerMessage(EventId = 4003, EventName = "WatchStopped", Level = LogLevel.Information, Message = "This instance stopped watching account {AccountId} ({Reason})")]
    public static partial void WatchStopped(ILogger logger, string accountId, string reason);

    [LoggerMessage(EventId = 4004, EventName = "WatchFailed", Level = LogLevel.Warning, Message = "Watch of account {AccountId} failed; it is retried")]
    public static partial void WatchFailed(ILogger logger, string accountId, Exception exception);

    [LoggerMessage(EventId = 4005, EventName = "SupervisorFailed", Level = LogLevel.Warning, Message = "Watch supervisor pass failed")]
    public static partial void SupervisorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4006, EventName = "StreamReadFailed", Level = LogLevel.Warning, Message = "Reading the event stream failed")]
    public static partial void StreamReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4007, EventName = "StreamEntryInvalid", Level = LogLevel.Warning, Message = "Event stream entry {EntryId} could not be read")]
    public static partial void StreamEntryInvalid(ILogger logger, string entryId);

    [LoggerMessage(EventId = 4008, EventName = "SubscribeRefused", Level = LogLevel.Information, Message = "Connection {ConnectionId} may not subscribe to the requested account")]
    public static partial void SubscribeRefused(ILogger logger, string connectionId);
}
