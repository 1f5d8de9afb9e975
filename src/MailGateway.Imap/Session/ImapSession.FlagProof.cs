using MailGateway.Imap.Caching;
using MailGateway.Imap.Mime;
using MailGateway.Imap.Telemetry;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Session;

/// <summary>
/// Whether cached messages still exist and their current flags, proven with one round trip
/// (docs/decisions/read-cache-freshness.md):
/// - mailbox selected on this connection: one <c>UID FETCH uids (UID FLAGS MODSEQ)</c>. The server brings the
///   session current before the tagged OK (Dovecot and Cyrus sync after every UID command: untagged FETCH for flags
///   another client changed, EXPUNGE/VANISHED for what it removed, also when the fetched data itself came from the
///   session's older view); MailKit merges a later FETCH of the same message into its summary and drops an
///   EXPUNGEd one, VANISHED is subtracted here. A message answered twice whose first answer had keywords is fetched
///   once more, because MailKit adds the keywords of both answers together.
/// - not selected: one STATUS when it equals the state of the cached mailbox view and the view knows the flags;
///   else SELECT (itself a sync point) and the UID FETCH.
/// </summary>
internal sealed partial class ImapSession
{
    private const int MaxFlagFetches = 3;

    /// <returns>Flags by UID of those of <paramref name="uids"/> that still exist.</returns>
    private async Task<Dictionary<uint, FlagEntry>> ProveFlagsAsync(string mailbox, uint uidValidity, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        var connection = await BindAsync(mailbox, cancellationToken).ConfigureAwait(false);
        int epoch;
        lock (_accountPool.Lock) epoch = _accountPool.MailboxEpoch;
        if (!connection.HasSelected(mailbox, FolderAccess.ReadOnly, epoch)
            && await FlagsFromViewAsync(mailbox, uidValidity, uids, cancellationToken).ConfigureAwait(false) is { } known) return known;
        var folder = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (folder.UidValidity != uidValidity) throw new StaleMessageException();
        var logger = connection.Client.ProtocolLogger as CommandCountingLogger;
        logger?.TakeUntaggedNo();
        var proven = await FetchFlagsAsync(folder, uids, cancellationToken).ConfigureAwait(false);
        // An untagged NO: the server could not bring the selected view current (Dovecot, after another client deleted
        // and recreated the mailbox). Select it afresh, which is a sync point, and ask again.
        if (logger?.TakeUntaggedNo() == true && connection.Client.Capabilities.HasFlag(ImapCapabilities.Unselect))
        {
            connection.Unselected();
            await folder.CloseAsync(false, cancellationToken).ConfigureAwait(false);
            folder = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
            if (folder.UidValidity != uidValidity) throw new StaleMessageException();
            proven = await FetchFlagsAsync(folder, uids, cancellationToken).ConfigureAwait(false);
        }
        return proven;
    }

    /// <summary>One STATUS, answered from the cached view when it shows the view current; null when it cannot say.</summary>
    private async Task<Dictionary<uint, FlagEntry>?> FlagsFromViewAsync(string mailbox, uint uidValidity, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        if (Cache is not { } cache || cache.TryGetView(CacheScope, mailbox) is not { } view || view.UidValidity != uidValidity) return null;
        if (!uids.All(uid => view.TryGetFlags(uid, out _))) return null;
        var state = await StateAsync(await GetFolderAsync(mailbox, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (state.UidValidity != uidValidity) throw new StaleMessageException();
        if (state.HighestModSeq == 0 || view.UidsAt(state) is not { } members) return null;
        var known = new Dictionary<uint, FlagEntry>();
        foreach (var uid in uids)
            if (Array.BinarySearch(members, uid) >= 0 && view.TryGetFlags(uid, out var flags)) known[uid] = flags;
        return known;
    }

    private static async Task<Dictionary<uint, FlagEntry>> FetchFlagsAsync(IMailFolder folder, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags |
            (folder.Supports(FolderFeature.ModSequences) ? MessageSummaryItems.ModSeq : MessageSummaryItems.None));
        var set = UidSet(uids);
        for (var attempt = 1; ; attempt++)
        {
            var vanished = new HashSet<uint>();
            // Per message: how many answers, and whether the first one carried keywords.
            var answers = new Dictionary<int, (int Count, bool Keywords)>();
            void OnVanished(object? sender, MessagesVanishedEventArgs e) => vanished.UnionWith(e.UniqueIds.Select(u => u.Id));
            void OnFetched(object? sender, MessageSummaryFetchedEventArgs e) => answers[e.Message.Index] =
                answers.TryGetValue(e.Message.Index, out var seen) ? (seen.Count + 1, seen.Keywords) : (1, e.Message.Keywords.Count > 0);
            folder.MessagesVanished += OnVanished;
            folder.MessageSummaryFetched += OnFetched;
            IList<IMessageSummary> fetched;
            try
            {
                fetched = await folder.FetchAsync(set, request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                folder.MessagesVanished -= OnVanished;
                folder.MessageSummaryFetched -= OnFetched;
            }
            // A message answered twice (its data from the session's older view, then the update) has the update's system
            // flags and MODSEQ but the keywords of both answers together; when the first had any, the session is
            // current now, so one more fetch answers it once.
            if (attempt < MaxFlagFetches && answers.Values.Any(a => a is { Count: > 1, Keywords: true })) continue;
            var proven = new Dictionary<uint, FlagEntry>();
            foreach (var f in fetched)
                if (f.UniqueId.IsValid && uids.Contains(f.UniqueId.Id) && !vanished.Contains(f.UniqueId.Id))
                    proven[f.UniqueId.Id] = new FlagEntry(SummaryMapper.Flags(f.Flags, f.Keywords), f.ModSeq ?? 0);
            return proven;
        }
    }
}
