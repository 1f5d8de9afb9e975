using Microsoft.Extensions.Logging;

namespace MailGateway.Imap;

internal static partial class WatchLog
{
    [LoggerMessage(EventId = 3400, EventName = "WatchIdleFolderFailed", Level = LogLevel.Warning,
        Message = "Extra IDLE connection of account {AccountId} on {Mailbox} ended; the sweep covers the folder")]
    public static partial void IdleFolderFailed(ILogger logger, string accountId, string mailbox, Exception exception);
}
