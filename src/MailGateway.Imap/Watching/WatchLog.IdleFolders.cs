using Microsoft.Extensions.Logging;

namespace MailGateway.Imap;

internal static partial class WatchLog
{
    [LoggerMessage(EventId = 3400, EventName = "WatchIdleFolderFailed", Level = LogLevel.Warning,
        Message = "Extra IDLE connection of account {AccountId} on {Mailbox} ended; the sweep covers the folder")]
    public static partial void IdleFolderFailed(ILogger logger, string accountId, string mailbox, Exception exception);

    [LoggerMessage(EventId = 3712, EventName = "WatchIdleFolderYielded", Level = LogLevel.Information,
        Message = "Extra IDLE connection of account {AccountId} on {Mailbox} not opened or closed: the account's connection budget is wanted by requests; the sweep covers the folder")]
    public static partial void IdleFolderYielded(ILogger logger, string accountId, string mailbox);
}
