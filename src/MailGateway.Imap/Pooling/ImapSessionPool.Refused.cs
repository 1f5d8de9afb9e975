using MailGateway.Imap.Telemetry;

namespace MailGateway.Imap.Pooling;

internal sealed partial class ImapSessionPool
{
    internal void AnswersRefused(string accountId, int count, int total) => ImapLog.AnswersRefused(_logger, accountId, count, total);

    internal void DetailFromRawMessage(string accountId) => ImapLog.DetailFromRawMessage(_logger, accountId);
}
