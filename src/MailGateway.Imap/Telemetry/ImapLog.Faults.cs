using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Telemetry;

internal static partial class ImapLog
{
    [LoggerMessage(3300, LogLevel.Information, "IMAP connection of account {AccountId} died before the operation committed; retrying once on a fresh connection")]
    public static partial void RetryingOnFreshConnection(ILogger logger, string accountId, Exception exception);
}
