using MailGateway.Imap.Mime;
using MailKit;

namespace MailGateway.Imap.Session;

/// <summary>
/// Message bodies from the read cache. The decoded body (headers, text, HTML, attachment list) never changes for a
/// (mailbox, UIDVALIDITY, UID); what can change is whether the message still exists and its flags. A hit costs
/// one sync point (NOOP on a connection that had the mailbox selected; a fresh SELECT is one already) and one
/// UID FETCH (FLAGS MODSEQ), instead of the summary, header and body-part fetches of a miss.
/// </summary>
internal sealed partial class ImapSession
{
    /// <returns>The message, or null on a cache miss.</returns>
    private async Task<MessageDetail?> CachedMessageAsync(MessageRef message, bool sanitizeHtml, CancellationToken cancellationToken)
    {
        if (Cache is not { } cache) return null;
        if (!cache.TryGetBody(CacheScope, message, sanitizeHtml, out var detail))
        {
            // Another instance may have decoded it (Imap:Cache:Shared); freshness is proven below as for a local hit.
            if (await cache.LoadSharedBodyAsync(CacheScope, message, sanitizeHtml, cancellationToken).ConfigureAwait(false) is not { } shared) return null;
            detail = shared;
        }
        if (WatchedFlags(message) is { } watched) return detail with { Summary = detail.Summary with { Flags = watched.Flags, ModSeq = watched.ModSeq } };
        var connection = await BindAsync(message.Mailbox, cancellationToken).ConfigureAwait(false);
        int epoch;
        lock (_accountPool.Lock) epoch = _accountPool.MailboxEpoch;
        var wasSelected = connection.HasSelected(message.Mailbox, FolderAccess.ReadOnly, epoch);
        var folder = await EnsureSelectedAsync(message.Mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (folder.UidValidity != message.UidValidity) throw new StaleMessageException();
        // A connection that kept the mailbox selected sees other clients' expunges and flag changes only at a sync point.
        if (wasSelected) await connection.Client.NoOpAsync(cancellationToken).ConfigureAwait(false);
        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags |
            (folder.Supports(FolderFeature.ModSequences) ? MessageSummaryItems.ModSeq : MessageSummaryItems.None));
        var fetched = await folder.FetchAsync([new UniqueId(message.UidValidity, message.Uid)], request, cancellationToken).ConfigureAwait(false);
        if (fetched.Count == 0) throw new MessageNotFoundException();
        var flags = SummaryMapper.Flags(fetched[0].Flags, fetched[0].Keywords);
        return detail with { Summary = detail.Summary with { Flags = flags, ModSeq = fetched[0].ModSeq ?? 0 } };
    }

    private async Task<MessageDetail> RememberBodyAsync(MessageRef message, bool sanitizeHtml, MessageDetail detail, CancellationToken cancellationToken)
    {
        if (Cache is not { } cache) return detail;
        cache.PutBody(CacheScope, message, sanitizeHtml, detail);
        await cache.ShareBodyAsync(CacheScope, message, sanitizeHtml, detail, cancellationToken).ConfigureAwait(false);
        return detail;
    }
}
