using MailKit.Net.Imap;

namespace MailGateway.Imap.Pooling;

/// <summary>Where the pool gets new authenticated connections (the <see cref="ImapConnector"/>; a fake in unit tests).</summary>
internal interface IImapConnectionSource
{
    Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken);
}
