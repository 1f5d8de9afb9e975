using MailGateway.Imap.Mime;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    public Task<MessagePage> ListMessagesAsync(string mailbox, MessageQuery query, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 200);
        if (WatchedPage(mailbox, query, limit) is { } watched) return watched;
        var client = await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false);
        if (!_safeSummaries && await CachedPageAsync(client, mailbox, query, limit, cancellationToken).ConfigureAwait(false) is { } cached) return cached;
        // The state is taken first: a change racing with the page is then reported again by /changes, never lost.
        var (folder, state) = await SelectWithStateAsync(mailbox, cancellationToken).ConfigureAwait(false);

        SummaryBatch batch;
        bool more;
        if (SearchBuilder.IsUnfiltered(query))
        {
            // Newest first without SEARCH: UIDs ascend with sequence numbers, so a page is a sequence range.
            var below = query.BeforeUid is not { } before ? folder.Count
                : before <= 1 ? 0
                : await CountAsync(client, folder, SearchQuery.Uids(new UniqueIdRange(UniqueId.MinValue, new UniqueId(before - 1))), cancellationToken).ConfigureAwait(false);
            var first = Math.Max(0, below - limit);
            batch = below == 0 ? Empty(client, folder) : await FetchSummariesAsync(client, folder, mailbox,
                (f, request) => f.FetchAsync(first, below - 1, request, cancellationToken), null, cancellationToken).ConfigureAwait(false);
            more = first > 0;
        }
        else
        {
            var search = SearchBuilder.Build(query, client.Capabilities.HasFlag(ImapCapabilities.Within), DateTimeOffset.UtcNow);
            IList<UniqueId> found = search is null ? [] : await folder.SearchAsync(search, cancellationToken).ConfigureAwait(false);
            var page = found.OrderByDescending(u => u.Id).Take(limit).ToList();
            more = found.Count > page.Count;
            batch = page.Count == 0 ? Empty(client, folder) : await FetchSummariesAsync(client, folder, mailbox,
                (f, request) => f.FetchAsync(page, request, cancellationToken), [.. page.Select(u => u.Id)], cancellationToken).ConfigureAwait(false);
        }

        var summaries = await SummariesAsync(batch, mailbox, cancellationToken).ConfigureAwait(false);
        if (query.BeforeUid is { } cursor) summaries = [.. summaries.Where(s => s.Uid < cursor)];
        var next = more && summaries.Count > 0 ? summaries[^1].Uid : (uint?)null;
        return new MessagePage(summaries, next, state);
    });

    public Task<IReadOnlyList<MessageSummary>> GetSummariesAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(uids);
        var client = await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var folder = await SelectCheckedAsync(mailbox, uidValidity, uids, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (uids.Count == 0) return (IReadOnlyList<MessageSummary>)[];
        var batch = await FetchSummariesAsync(client, folder, mailbox,
            (f, request) => f.FetchAsync(UidSet(uids), request, cancellationToken), uids, cancellationToken).ConfigureAwait(false);
        var byUid = (await SummariesAsync(batch, mailbox, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Uid);
        return [.. uids.Distinct().Where(byUid.ContainsKey).Select(u => byUid[u])];
    });

    /// <summary>Selects the mailbox, checks the caller's UIDVALIDITY and makes sure the session can see
    /// <paramref name="uids"/>: a selected mailbox shows other clients' new mail only at a sync point, so when a UID may
    /// be newer than what this session has seen (at or above its UIDNEXT) a NOOP comes first. Costs nothing otherwise.</summary>
    internal async Task<IMailFolder> SelectCheckedAsync(string mailbox, uint uidValidity, IEnumerable<uint> uids, FolderAccess access, CancellationToken cancellationToken)
    {
        var folder = await EnsureSelectedAsync(mailbox, access, cancellationToken).ConfigureAwait(false);
        if (folder.UidValidity != uidValidity) throw new StaleMessageException();
        var seenBelow = folder.UidNext?.Id ?? 0;
        if (uids.Any(uid => uid >= seenBelow))
            await (await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false)).NoOpAsync(cancellationToken).ConfigureAwait(false);
        return folder;
    }

    /// <summary>Selects the mailbox and reads its state: from the SELECT response when this connection did not have it
    /// selected (a fresh SELECT is current, so no NOOP + STATUS after it), else NOOP + STATUS.</summary>
    internal async Task<(IMailFolder Folder, MailboxState State)> SelectWithStateAsync(string mailbox, CancellationToken cancellationToken)
    {
        var connection = await BindAsync(mailbox, cancellationToken).ConfigureAwait(false);
        int epoch;
        lock (_accountPool.Lock) epoch = _accountPool.MailboxEpoch;
        var wasSelected = connection.HasSelected(mailbox, FolderAccess.ReadOnly, epoch);
        var folder = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (!wasSelected && folder.UidNext is { } next && folder.UidValidity != 0)
            return (folder, new MailboxState(folder.UidValidity, next.Id, folder.HighestModSeq));
        return (folder, await StateAsync(folder, cancellationToken).ConfigureAwait(false));
    }

    internal static FetchRequest SummaryRequest(ImapClient client) => SummaryFetch.Request(client.Capabilities);

    private static SummaryBatch Empty(ImapClient client, IMailFolder folder) => new(client, folder, [], new HashSet<uint>());

    /// <summary>Fetched items as summaries, newest first, with previews computed where the server sent none. A message
    /// whose answer MailKit refused is marked <c>Unparsable</c>: its attachments and preview are unknown.</summary>
    private static async Task<List<MessageSummary>> SummariesAsync(SummaryBatch batch, string mailbox, CancellationToken cancellationToken)
    {
        var (client, folder, items, unparsable) = batch;
        var previews = await SummaryPreviews.ComputeAsync(client, folder, items, cancellationToken).ConfigureAwait(false);
        return [.. items.OrderByDescending(i => i.UniqueId.Id)
            .Select(i => SummaryMapper.ToSummary(i, mailbox, folder.UidValidity, previews.GetValueOrDefault(i.UniqueId.Id)))
            .Select(s => unparsable.Contains(s.Uid) ? s with { Unparsable = true } : s)];
    }

    internal static UniqueIdSet UidSet(IEnumerable<uint> uids)
    {
        var set = new UniqueIdSet(SortOrder.Ascending);
        foreach (var uid in uids.Where(u => u > 0).Distinct()) set.Add(new UniqueId(uid));
        return set;
    }

    private static async Task<int> CountAsync(ImapClient client, IMailFolder folder, SearchQuery query, CancellationToken cancellationToken)
    {
        if (client.Capabilities.HasFlag(ImapCapabilities.ESearch))
            return (await folder.SearchAsync(SearchOptions.Count, query, cancellationToken).ConfigureAwait(false)).Count;
        return (await folder.SearchAsync(query, cancellationToken).ConfigureAwait(false)).Count;
    }
}
