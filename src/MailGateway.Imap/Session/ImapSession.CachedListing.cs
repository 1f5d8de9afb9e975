using MailGateway.Imap.Caching;
using MailGateway.Imap.Mime;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace MailGateway.Imap.Session;

/// <summary>
/// Unfiltered pages from the read cache. One command proves the cached view of the mailbox current: STATUS
/// (UIDVALIDITY UIDNEXT HIGHESTMODSEQ) on a connection that does not have the mailbox selected, NOOP + STATUS on
/// one that has (a server answers STATUS of the selected mailbox from the session's view, which moves only at
/// sync points). Every flag change, expunge and arrival raises HIGHESTMODSEQ (CONDSTORE), so an equal state means
/// the view is what every other client sees; otherwise one UID FETCH CHANGEDSINCE brings flags and new UIDs, and
/// a UID SEARCH only when messages went away. Summaries missing from the cache are fetched by UID. Servers without
/// CONDSTORE keep the uncached path.
/// </summary>
internal sealed partial class ImapSession
{
    private ReadCache? Cache => _pool.Cache is { Enabled: true } cache ? cache : null;

    private string CacheScope => ReadCache.ScopeOf(_account);

    /// <returns>The page, or null when the cache cannot serve this request (then the uncached path runs).</returns>
    private async Task<MessagePage?> CachedPageAsync(ImapClient client, string mailbox, MessageQuery query, int limit, CancellationToken cancellationToken)
    {
        if (Cache is not { } cache || !SearchBuilder.IsUnfiltered(query) || !client.Capabilities.HasFlag(ImapCapabilities.CondStore)) return null;
        // The state is taken first: what the view then holds is at least as new, so a racing change is never hidden.
        // Nothing cached for this mailbox yet: the SELECT that fetching needs anyway answers the state too.
        var state = cache.HasView(CacheScope, mailbox)
            ? await StateAsync(await GetFolderAsync(mailbox, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
            : (await SelectWithStateAsync(mailbox, cancellationToken).ConfigureAwait(false)).State;
        if (state.HighestModSeq == 0) return null;
        var view = cache.View(CacheScope, mailbox, state.UidValidity);
        var uids = view.UidsAt(state) ?? await RefreshViewAsync(mailbox, view, state, cancellationToken).ConfigureAwait(false);
        if (uids is null) return null;

        var (first, wanted) = Slice(uids, query, limit);
        var summaries = await CachedSummariesAsync(client, cache, view, mailbox, state.UidValidity, wanted, cancellationToken).ConfigureAwait(false);
        if (summaries is null) return null;
        var next = first > 0 && summaries.Count > 0 ? summaries[^1].Uid : (uint?)null;
        return new MessagePage(summaries, next, state);
    }

    /// <summary>Brings the view to (at least) <paramref name="state"/> on the selected mailbox; null when the mailbox
    /// turned out to be a different one (recreated meanwhile).</summary>
    private async Task<uint[]?> RefreshViewAsync(string mailbox, MailboxView view, MailboxState state, CancellationToken cancellationToken)
    {
        var folder = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (folder.UidValidity != state.UidValidity) return null;
        var (known, knownUids) = view.Snapshot();
        uint[] uids;
        if (knownUids is not null && known.HighestModSeq > 0 && folder.Count > 0)
        {
            var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.ModSeq) { ChangedSince = known.HighestModSeq };
            // With QRESYNC this fetch also answers VANISHED (EARLIER): the UIDs expunged since, so no UID SEARCH is needed.
            var vanished = new HashSet<uint>();
            void OnVanished(object? sender, MessagesVanishedEventArgs e) => vanished.UnionWith(e.UniqueIds.Select(u => u.Id));
            folder.MessagesVanished += OnVanished;
            IList<IMessageSummary> changed;
            try
            {
                changed = await folder.FetchAsync(new UniqueIdRange(UniqueId.MinValue, UniqueId.MaxValue), request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                folder.MessagesVanished -= OnVanished;
            }
            var members = new HashSet<uint>(knownUids);
            foreach (var c in changed)
            {
                view.MergeFlags(c.UniqueId.Id, SummaryMapper.Flags(c.Flags, c.Keywords), c.ModSeq ?? 0);
                members.Add(c.UniqueId.Id);
            }
            members.ExceptWith(vanished);
            // Arrivals all come back from CHANGEDSINCE, expunges from VANISHED; a count that still differs (no QRESYNC,
            // or a server that left one out) takes the full UID SEARCH.
            uids = members.Count == folder.Count ? [.. members.Order()] : await AllUidsAsync(folder, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            uids = folder.Count == 0 ? [] : await AllUidsAsync(folder, cancellationToken).ConfigureAwait(false);
        }
        view.Install(state, uids);
        return uids;
    }

    private static async Task<uint[]> AllUidsAsync(IMailFolder folder, CancellationToken cancellationToken) =>
        [.. (await folder.SearchAsync(SearchQuery.All, cancellationToken).ConfigureAwait(false)).Select(u => u.Id).Order()];

    /// <summary>Summaries of <paramref name="uids"/> in that order: immutable parts from the cache (this instance's, else
    /// the shared one), flags from the view; flags the view lacks come from one UID FETCH (FLAGS MODSEQ), whole
    /// summaries missing from both caches from one UID FETCH (and are cached). Null when the mailbox changed identity.</summary>
    private async Task<List<MessageSummary>?> CachedSummariesAsync(ImapClient client, ReadCache cache, MailboxView view, string mailbox, uint uidValidity,
        uint[] uids, CancellationToken cancellationToken)
    {
        var parts = new MessageSummary?[uids.Length];
        var missing = new List<uint>();
        for (var i = 0; i < uids.Length; i++)
        {
            if (cache.TryGetSummary(CacheScope, mailbox, uidValidity, uids[i], out var cached)) parts[i] = cached;
            else missing.Add(uids[i]);
        }
        var shared = await cache.LoadSharedSummariesAsync(CacheScope, mailbox, uidValidity, missing, cancellationToken).ConfigureAwait(false);
        var result = new MessageSummary?[uids.Length];
        var needFlags = new List<uint>();
        missing.Clear();
        for (var i = 0; i < uids.Length; i++)
        {
            if ((parts[i] ?? shared.GetValueOrDefault(uids[i])) is not { } part) missing.Add(uids[i]);
            else if (view.TryGetFlags(uids[i], out var flags)) result[i] = part with { Flags = flags.Flags, ModSeq = flags.ModSeq };
            else
            {
                parts[i] = part;
                needFlags.Add(uids[i]);
            }
        }
        if (missing.Count == 0 && needFlags.Count == 0) return [.. result.OfType<MessageSummary>()];

        var folder = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (folder.UidValidity != uidValidity) return null;
        var byUid = new Dictionary<uint, MessageSummary>();
        if (needFlags.Count > 0)
        {
            var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.ModSeq);
            foreach (var f in await folder.FetchAsync(UidSet(needFlags), request, cancellationToken).ConfigureAwait(false))
            {
                var flags = SummaryMapper.Flags(f.Flags, f.Keywords);
                view.MergeFlags(f.UniqueId.Id, flags, f.ModSeq ?? 0);
                if (Array.IndexOf(uids, f.UniqueId.Id) is var at and >= 0 && parts[at] is { } part)
                    byUid[f.UniqueId.Id] = part with { Flags = flags, ModSeq = f.ModSeq ?? 0 };
            }
        }
        if (missing.Count > 0)
        {
            var batch = await FetchSummariesAsync(client, folder, mailbox,
                (f, request) => f.FetchAsync(UidSet(missing), request, cancellationToken), missing, cancellationToken).ConfigureAwait(false);
            var summaries = await SummariesAsync(batch, mailbox, cancellationToken).ConfigureAwait(false);
            foreach (var summary in summaries)
            {
                byUid[summary.Uid] = summary;
                cache.PutSummary(CacheScope, summary);
                view.MergeFlags(summary.Uid, summary.Flags, summary.ModSeq);
            }
            cache.ShareSummaries(CacheScope, summaries);
        }
        for (var i = 0; i < uids.Length; i++)
            if (result[i] is null && byUid.TryGetValue(uids[i], out var summary)) result[i] = summary;
        // A message expunged after the view was proven simply drops out of this page.
        return [.. result.OfType<MessageSummary>()];
    }

    /// <summary>The page's UIDs, newest first, and how many older ones remain below it.</summary>
    private static (int First, uint[] Wanted) Slice(uint[] uids, MessageQuery query, int limit)
    {
        var below = query.BeforeUid is not { } before ? uids.Length : LowerBound(uids, before);
        var first = Math.Max(0, below - limit);
        var wanted = new uint[below - first];
        for (var i = 0; i < wanted.Length; i++) wanted[i] = uids[below - 1 - i];
        return (first, wanted);
    }

    /// <summary>Index of the first UID ≥ <paramref name="uid"/> in the ascending array.</summary>
    private static int LowerBound(uint[] uids, uint uid)
    {
        var index = Array.BinarySearch(uids, uid);
        return index >= 0 ? index : ~index;
    }
}
