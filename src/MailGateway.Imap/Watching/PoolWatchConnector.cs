using MailGateway.Imap.Pooling;
using MailKit.Net.Imap;

namespace MailGateway.Imap;

/// <summary>Watch connections are made by the pool's connector (same TLS policy, credentials, telemetry and
/// QRESYNC enabling) but are never leased from or returned to the pool. The watch's own connection is the one the
/// budget allows on top of <c>Imap:MaxConnectionsPerAccount</c>; extra IDLE connections take a budget permit each and
/// give it back as soon as a request waits for it.</summary>
internal sealed class PoolWatchConnector(ImapConnector connector, IImapConnectionBudget budget) : IWatchConnector
{
    public Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken) =>
        connector.ConnectAsync(account, cancellationToken);

    public async Task<ExtraWatchConnection?> ConnectExtraAsync(ImapAccount account, CancellationToken cancellationToken)
    {
        if (await budget.TryAcquireAsync(account, cancellationToken).ConfigureAwait(false) is not { } permit) return null;
        var wanted = new CancellationTokenSource();
        void OnContended(string accountId)
        {
            if (accountId == account.Id) wanted.Cancel();
        }
        async ValueTask ReleaseAsync()
        {
            budget.Contended -= OnContended;
            await permit.DisposeAsync().ConfigureAwait(false);
            wanted.Dispose();
        }
        budget.Contended += OnContended;
        try
        {
            var client = await connector.ConnectAsync(account, cancellationToken).ConfigureAwait(false);
            return new ExtraWatchConnection(client, wanted.Token, ReleaseAsync);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }
}
