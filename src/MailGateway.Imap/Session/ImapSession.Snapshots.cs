using MailGateway.Imap.Mime;
using MailKit;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    private async Task<(MailboxState State, IReadOnlyDictionary<uint, string> Flags)> SnapshotAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        var state = await StateAsync(folder, cancellationToken).ConfigureAwait(false);
        var all = folder.Count == 0 ? [] : await folder.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags), cancellationToken).ConfigureAwait(false);
        var flags = all.ToDictionary(m => m.UniqueId.Id, m => string.Join(' ', SummaryMapper.Flags(m.Flags, m.Keywords).Order(StringComparer.Ordinal)));
        var id = _pool.Snapshots.Add(new SyncSnapshots.Snapshot(AccountId, folder.FullName, folder.UidValidity, flags));
        return (state with { HighestModSeq = id }, flags);
    }

    private async Task<MailboxChanges> SnapshotChangesAsync(IMailFolder folder, MailboxState since, CancellationToken cancellationToken)
    {
        var old = _pool.Snapshots.Get(since.HighestModSeq);
        if (old is null || old.AccountId != AccountId || old.Mailbox != folder.FullName || old.UidValidity != since.UidValidity)
            throw new CannotCalculateChangesException("The state is too old to calculate changes from; synchronize again from scratch.");
        var (state, now) = await SnapshotAsync(folder, cancellationToken).ConfigureAwait(false);
        var created = now.Keys.Where(u => !old.Flags.ContainsKey(u)).Order().ToList();
        var destroyed = old.Flags.Keys.Where(u => !now.ContainsKey(u)).Order().ToList();
        var updated = now.Where(p => old.Flags.TryGetValue(p.Key, out var before) && before != p.Value).Select(p => p.Key).Order().ToList();
        return new MailboxChanges(created, updated, destroyed, state, false);
    }
}
