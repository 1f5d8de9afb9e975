using MailKit;

namespace MailGateway.Imap;

internal sealed partial class WatchSession
{
    /// <summary>What one sync fetched: flag changes (UIDs below the old UIDNEXT), arrivals (at or above it), and the
    /// HIGHESTMODSEQ the server announced for the selected mailbox, if any, covered by that fetch.</summary>
    private readonly record struct Delta(IList<IMessageSummary> Changed, IList<IMessageSummary> New, ulong ServerModSeq = 0);

    /// <summary>The selected mailbox can be caught up in place: CONDSTORE + QRESYNC (expunges come as VANISHED by UID),
    /// a known HIGHESTMODSEQ to fetch from, and the UIDVALIDITY the checkpoint was taken under.</summary>
    private bool CanSyncSelected(IMailFolder folder, MailboxState known) =>
        folder.IsOpen && _condStore && known.HighestModSeq > 0 && folder.UidValidity == known.UidValidity &&
        folder.Supports(FolderFeature.QuickResync);

    /// <summary>One <c>UID FETCH 1:4294967294 (summary items) (CHANGEDSINCE m VANISHED)</c> on the selected mailbox:
    /// arrivals and flag changes since m come back as FETCH, expunges as VANISHED (EARLIER) (then the caller takes the
    /// STATUS path instead). The explicit upper bound
    /// instead of <c>*</c>: Cyrus reads <c>*</c> as the highest UID still present and would leave out an expunged newest
    /// message. A flag change costs its summary items too, still one round trip instead of four.</summary>
    private async Task<Delta> FetchSelectedAsync(IMailFolder folder, MailboxState known, CancellationToken cancellationToken)
    {
        var fetched = await FetchSummariesAsync(folder, new UniqueIdRange(known.UidValidity, 1, uint.MaxValue - 1), known.HighestModSeq, cancellationToken).ConfigureAwait(false);
        DrainSignals();
        // The selected mailbox's HIGHESTMODSEQ as the server last announced it: every change up to it was answered above.
        var serverModSeq = folder.UidValidity == known.UidValidity ? folder.HighestModSeq : 0;
        return new Delta(fetched, fetched, serverModSeq);
    }

    /// <summary>The general path, after STATUS (or LIST-STATUS) gave <paramref name="now"/>: flag changes and
    /// expunges since the known HIGHESTMODSEQ, then the arrivals since the known UIDNEXT.</summary>
    private async Task<Delta> FetchDeltaAsync(IMailFolder folder, MailboxState known, MailboxState now, bool needFlags, bool needNew, CancellationToken cancellationToken)
    {
        IList<IMessageSummary> changed = [];
        if (needFlags)
        {
            var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.ModSeq)
            {
                ChangedSince = known.HighestModSeq,
            };
            // With QRESYNC enabled this is UID FETCH 1:<UIDNEXT-1> (...) (CHANGEDSINCE n VANISHED): expunges arrive as
            // MessagesVanished. Never 1:*: Cyrus reads * as the highest UID still present, so an expunged newest
            // message would be left out of VANISHED (EARLIER) and its message.deleted lost.
            changed = await folder.FetchAsync(KnownRange(now.UidValidity, Math.Max(now.UidNext, known.UidNext)), request, cancellationToken).ConfigureAwait(false);
            DrainSignals();
        }
        IList<IMessageSummary> added = [];
        if (needNew)
        {
            var range = new UniqueIdRange(now.UidValidity, Math.Max(known.UidNext, 1), uint.MaxValue);
            added = await FetchSummariesAsync(folder, range, 0, cancellationToken).ConfigureAwait(false);
        }
        return new Delta(changed, added);
    }
}
