using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Telemetry;

internal static partial class ImapLog
{
    [LoggerMessage(3580, LogLevel.Warning, "IMAP account {AccountId}: MailKit refused the server's answer for {Count} message(s) of a page of {Total}; listed unparsable, the others in full")]
    public static partial void AnswersRefused(ILogger logger, string accountId, int count, int total);

    [LoggerMessage(3581, LogLevel.Warning, "IMAP account {AccountId}: MailKit refused the structure of a message; its detail is read from the raw message instead")]
    public static partial void DetailFromRawMessage(ILogger logger, string accountId);
}
