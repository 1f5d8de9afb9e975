using MailGateway.Imap.Pooling;
using MailKit.Net.Imap;

namespace MailGateway.Imap;

/// <summary>Watch connections are made by the pool's connector (same TLS policy, credentials, telemetry and
/// QRESYNC enabling) but are never leased from or returned to the pool.</summary>
internal sealed class PoolWatchConnector(ImapConnector connector) : IWatchConnector
{
    public Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken) =>
        connector.ConnectAsync(account, cancellationToken);
}
