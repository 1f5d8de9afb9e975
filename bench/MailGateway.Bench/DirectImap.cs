using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailGateway.Testing;

namespace MailGateway.Bench;

/// <summary>The same work as the gateway's, done directly with MailKit on open, selected connections:
/// the limit the gateway can only approach.</summary>
internal sealed class DirectImap : IAsyncDisposable
{
    private const MessageSummaryItems SummaryItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Flags |
        MessageSummaryItems.InternalDate | MessageSummaryItems.Size | MessageSummaryItems.Envelope |
        MessageSummaryItems.BodyStructure | MessageSummaryItems.PreviewText;

    private readonly ImapClient[] _clients;

    private DirectImap(ImapClient[] clients) => _clients = clients;

    public static async Task<DirectImap> OpenAsync(MailEnvironment env, string user, int connections, CancellationToken cancellationToken)
    {
        var clients = new ImapClient[connections];
        for (var i = 0; i < connections; i++)
        {
            clients[i] = await env.ConnectAsync(user, cancellationToken);
            await clients[i].Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        }
        return new DirectImap(clients);
    }

    public uint UidValidity => _clients[0].Inbox.UidValidity;

    /// <summary>The newest 50 summaries of INBOX, newest first (what one page of the gateway answers).</summary>
    public async Task PageAsync(int worker, CancellationToken cancellationToken)
    {
        var inbox = _clients[worker].Inbox;
        var last = inbox.Count - 1;
        var page = await inbox.FetchAsync(Math.Max(0, last - 49), last, SummaryItems, cancellationToken);
        if (page.Count == 0) throw new InvalidOperationException("empty page");
    }

    /// <summary>One whole message, parsed by MimeKit (what the gateway's message endpoint starts from).</summary>
    public async Task MessageAsync(int worker, UniqueId uid, CancellationToken cancellationToken)
    {
        using var message = await _clients[worker].Inbox.GetMessageAsync(uid, cancellationToken);
        if (message.Body is null) throw new InvalidOperationException("no body");
    }

    public async Task<UniqueId> FindMarkerAsync(string kind, CancellationToken cancellationToken)
    {
        var found = await _clients[0].Inbox.SearchAsync(SearchQuery.HeaderContains("X-Mailenv-Kind", kind), cancellationToken);
        return found.Count > 0 ? found[^1] : throw new InvalidOperationException($"no {kind} message in INBOX");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client.IsConnected) await client.DisconnectAsync(true);
            client.Dispose();
        }
    }
}
