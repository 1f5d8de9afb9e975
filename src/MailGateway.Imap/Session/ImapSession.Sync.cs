using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace MailGateway.Imap.Session;

/// <summary>
/// Delta sync. With QRESYNC (RFC 7162): <c>created</c> = UIDs ≥ since.UidNext (UID SEARCH); <c>updated</c> = UIDs
/// below since.UidNext whose MODSEQ is above since.HighestModSeq (UID FETCH CHANGEDSINCE); <c>destroyed</c> =
/// VANISHED (EARLIER) from a QRESYNC re-select. <c>maxChanges</c> pages created+updated (oldest
/// modseq first, then ascending UIDs) with an intermediate state and HasMore; destroyed is always complete and
/// may repeat on the following page, which is harmless for a client.
/// Without CONDSTORE/QRESYNC: see <see cref="SyncSnapshots"/>.
/// </summary>
internal sealed partial class ImapSession
{
    public Task<MailboxState> GetStateAsync(string mailbox, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        var client = await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var folder = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (HasQuickResync(client)) return await StateAsync(folder, cancellationToken).ConfigureAwait(false);
        return (await SnapshotAsync(folder, cancellationToken).ConfigureAwait(false)).State;
    });

    public Task<MailboxChanges> GetChangesAsync(string mailbox, MailboxState since, int maxChanges, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        maxChanges = Math.Clamp(maxChanges, 1, 100_000);
        var client = await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false);
        if (!HasQuickResync(client))
        {
            var selected = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
            if (selected.UidValidity != since.UidValidity) throw Recreated();
            return await SnapshotChangesAsync(selected, since, cancellationToken).ConfigureAwait(false);
        }
        if (since.HighestModSeq == 0 || since.UidNext == 0)
            throw new CannotCalculateChangesException("The state carries no mod-sequence; synchronize again from scratch.");

        // The QRESYNC re-select below replaces the selection anyway, so the state is read unselected: a server
        // answers STATUS of the selected mailbox from the session's view, which misses a mailbox recreated by another client.
        var folder = await GetFolderAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var current = await UnselectedStateAsync(client, folder, cancellationToken).ConfigureAwait(false);
        if (current.UidValidity != since.UidValidity) throw Recreated();
        if (since.HighestModSeq > current.HighestModSeq || since.UidNext > current.UidNext)
            throw new CannotCalculateChangesException("The state is not one this mailbox has had; synchronize again from scratch.");
        // Every change (flags, appends, expunges) raises HIGHESTMODSEQ under QRESYNC: equal means nothing happened.
        if (current == since) return new MailboxChanges([], [], [], current, false);
        var destroyed = await VanishedSinceAsync(folder, since, cancellationToken).ConfigureAwait(false);
        var updated = await ChangedSinceAsync(folder, since, current, destroyed, cancellationToken).ConfigureAwait(false);
        var created = current.UidNext > since.UidNext
            ? (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(since.UidNext), UniqueId.MaxValue)), cancellationToken).ConfigureAwait(false))
                .Select(u => u.Id).Where(u => u >= since.UidNext).Order().ToList()
            : [];

        if (updated.Count > maxChanges)
        {
            // Cut at a mod-sequence boundary so that no change with the same modseq is skipped.
            var cut = updated[maxChanges - 1].ModSeq;
            var page = updated.TakeWhile(u => u.ModSeq <= cut).Select(u => u.Uid).ToList();
            return new MailboxChanges([], page, destroyed, new MailboxState(since.UidValidity, since.UidNext, cut), true);
        }
        var budget = maxChanges - updated.Count;
        var updatedUids = updated.Select(u => u.Uid).ToList();
        if (created.Count > budget)
        {
            var page = created.Take(budget).ToList();
            var next = page.Count > 0 ? page[^1] + 1 : since.UidNext;
            return new MailboxChanges(page, updatedUids, destroyed, new MailboxState(since.UidValidity, next, current.HighestModSeq), true);
        }
        return new MailboxChanges(created, updatedUids, destroyed, current, false);
    });

    private static CannotCalculateChangesException Recreated() =>
        new("The mailbox was recreated (UIDVALIDITY changed); synchronize it again from scratch.");

    /// <summary>STATUS from outside the mailbox (UNSELECT first when it is selected), so the answer is the server's
    /// current truth rather than this session's view of it.</summary>
    private async Task<MailboxState> UnselectedStateAsync(ImapClient client, IMailFolder folder, CancellationToken cancellationToken)
    {
        if (!folder.IsOpen || !client.Capabilities.HasFlag(ImapCapabilities.Unselect))
            return await StateAsync(folder, cancellationToken).ConfigureAwait(false);
        _connection?.Unselected();
        await folder.CloseAsync(false, cancellationToken).ConfigureAwait(false);
        return await StateAsync(folder, cancellationToken).ConfigureAwait(false);
    }

    private static bool HasQuickResync(ImapClient client) => client.Capabilities.HasFlag(ImapCapabilities.QuickResync);

    /// <summary>UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ as the server has them now. For the selected mailbox a NOOP
    /// comes first: servers answer STATUS from the session's view, which only moves forward at such sync points.</summary>
    internal async Task<MailboxState> StateAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(folder.FullName, cancellationToken).ConfigureAwait(false);
        if (folder.IsOpen)
        {
            var logger = client.ProtocolLogger as Telemetry.CommandCountingLogger;
            logger?.TakeUntaggedNo();
            await client.NoOpAsync(cancellationToken).ConfigureAwait(false);
            // An untagged NO to the sync point means the server could not bring this session's view of the mailbox
            // up to date (Dovecot, after another client deleted and recreated it): select it afresh.
            if (logger?.TakeUntaggedNo() == true && client.Capabilities.HasFlag(ImapCapabilities.Unselect))
            {
                _connection?.Unselected();
                await folder.CloseAsync(false, cancellationToken).ConfigureAwait(false);
                await EnsureSelectedAsync(folder.FullName, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
            }
        }
        var items = StatusItems.UidValidity | StatusItems.UidNext;
        // The server's capability, not the folder's: an unselected folder does not know it supports mod-sequences.
        if (client.Capabilities.HasFlag(ImapCapabilities.CondStore) || folder.Supports(FolderFeature.ModSequences)) items |= StatusItems.HighestModSeq;
        await folder.StatusAsync(items, cancellationToken).ConfigureAwait(false);
        return new MailboxState(folder.UidValidity, folder.UidNext?.Id ?? 0, folder.HighestModSeq);
    }

    /// <summary>UIDs below since.UidNext expunged after since.HighestModSeq: SELECT ... (QRESYNC (v m 1:n)) answers VANISHED (EARLIER).</summary>
    private async Task<List<uint>> VanishedSinceAsync(IMailFolder folder, MailboxState since, CancellationToken cancellationToken)
    {
        if (since.UidNext <= 1)
        {
            await EnsureSelectedAsync(folder.FullName, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
            return [];
        }
        var vanished = new HashSet<uint>();
        void OnVanished(object? sender, MessagesVanishedEventArgs e)
        {
            foreach (var uid in e.UniqueIds) vanished.Add(uid.Id);
        }
        folder.MessagesVanished += OnVanished;
        try
        {
            var known = new UniqueIdRange(since.UidValidity, 1, since.UidNext - 1);
            _connection?.Unselected();
            int epoch;
            lock (_accountPool.Lock) epoch = _accountPool.MailboxEpoch;
            await folder.OpenAsync(FolderAccess.ReadWrite, since.UidValidity, since.HighestModSeq, known, cancellationToken).ConfigureAwait(false);
            _connection?.Selected(folder.FullName, folder, epoch);
        }
        finally
        {
            folder.MessagesVanished -= OnVanished;
        }
        return [.. vanished.Where(u => u < since.UidNext).Order()];
    }

    private static async Task<List<(uint Uid, ulong ModSeq)>> ChangedSinceAsync(IMailFolder folder, MailboxState since, MailboxState current, List<uint> destroyed, CancellationToken cancellationToken)
    {
        if (since.UidNext <= 1 || current.HighestModSeq <= since.HighestModSeq) return [];
        var range = new UniqueIdRange(UniqueId.MinValue, new UniqueId(since.UidNext - 1));
        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.ModSeq) { ChangedSince = since.HighestModSeq };
        var changed = await folder.FetchAsync(range, request, cancellationToken).ConfigureAwait(false);
        var gone = destroyed.ToHashSet();
        return [.. changed.Where(c => c.UniqueId.Id < since.UidNext && !gone.Contains(c.UniqueId.Id))
            .Select(c => (c.UniqueId.Id, c.ModSeq ?? 0)).OrderBy(c => c.Item2).ThenBy(c => c.Item1)];
    }
}
