using MailKit.Net.Imap;

namespace MailGateway.Imap;

/// <summary>An extra watch connection (IDLE on a folder besides INBOX) that holds a permit of the account's connection
/// budget. <see cref="Wanted"/> fires when a request somewhere waits for that budget: the connection then closes, and
/// the sweep covers its folder, so an extra IDLE never starves the account's requests.</summary>
internal sealed class ExtraWatchConnection(ImapClient client, CancellationToken wanted, Func<ValueTask> release) : IAsyncDisposable
{
    private int _disposed;

    public ImapClient Client => client;

    public CancellationToken Wanted => wanted;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        client.Dispose();
        await release().ConfigureAwait(false);
    }
}
