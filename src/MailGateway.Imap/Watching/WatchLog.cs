using Microsoft.Extensions.Logging;

namespace MailGateway.Imap;

internal static partial class WatchLog
{
    [LoggerMessage(EventId = 2001, EventName = "WatchConnected", Level = LogLevel.Information,
        Message = "Watching account {AccountId} with {Mode} ({Mailboxes} mailboxes)")]
    public static partial void Connected(ILogger logger, string accountId, string mode, int mailboxes);

    [LoggerMessage(EventId = 2002, EventName = "WatchDisconnected", Level = LogLevel.Warning,
        Message = "Watch connection of account {AccountId} failed ({Reason}); reconnecting in {RetryIn}")]
    public static partial void Disconnected(ILogger logger, string accountId, string reason, TimeSpan retryIn, Exception? exception);

    [LoggerMessage(EventId = 2003, EventName = "WatchAuthFailed", Level = LogLevel.Warning,
        Message = "Watch login of account {AccountId} was rejected; retrying in {RetryIn}")]
    public static partial void AuthFailed(ILogger logger, string accountId, TimeSpan retryIn);

    [LoggerMessage(EventId = 2004, EventName = "WatchMailboxSynced", Level = LogLevel.Debug,
        Message = "Account {AccountId} mailbox {Mailbox}: {Added} added, {Flags} flag changes, {Vanished} vanished")]
    public static partial void MailboxSynced(ILogger logger, string accountId, string mailbox, int added, int flags, int vanished);

    [LoggerMessage(EventId = 2005, EventName = "WatchStopped", Level = LogLevel.Information,
        Message = "Stopped watching account {AccountId}")]
    public static partial void Stopped(ILogger logger, string accountId);

    [LoggerMessage(EventId = 2006, EventName = "WatchNotifyRefused", Level = LogLevel.Information,
        Message = "NOTIFY was refused for account {AccountId}; using IDLE and a STATUS sweep")]
    public static partial void NotifyRefused(ILogger logger, string accountId, Exception exception);

    [LoggerMessage(EventId = 2007, EventName = "WatchWaiting", Level = LogLevel.Trace,
        Message = "Account {AccountId}: {Step}")]
    public static partial void Step(ILogger logger, string accountId, string step);

    [LoggerMessage(EventId = 3711, EventName = "WatchFetchIncomplete", Level = LogLevel.Warning,
        Message = "Account {AccountId} mailbox {Mailbox}: {Count} new messages came back without their summary items (attempt {Attempt}); fetching them again")]
    public static partial void FetchIncomplete(ILogger logger, string accountId, string mailbox, int count, int attempt);
}
