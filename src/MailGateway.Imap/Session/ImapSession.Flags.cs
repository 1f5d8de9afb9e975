using MailKit;
using MailKit.Search;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    /// <summary>At most three commands for any number of UIDs: one UID SEARCH (which still exist), one UID STORE
    /// +FLAGS and one UID STORE -FLAGS, each over a compressed UID set.</summary>
    public Task<IReadOnlyList<uint>> UpdateFlagsAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, FlagChange change, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(change);
        var (addFlags, removeFlags) = SystemFlags(change);
        var addKeywords = (change.AddKeywords ?? []).Select(Keywords.Validate).ToHashSet(StringComparer.Ordinal);
        var removeKeywords = (change.RemoveKeywords ?? []).Select(Keywords.Validate).ToHashSet(StringComparer.Ordinal);
        var folder = await SelectCheckedAsync(mailbox, uidValidity, uids, FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        var existing = await ExistingAsync(folder, uids, cancellationToken).ConfigureAwait(false);
        if (existing.Count == 0) return (IReadOnlyList<uint>)[];
        if (addFlags != MessageFlags.None || addKeywords.Count > 0)
            await folder.StoreAsync(existing, new StoreFlagsRequest(StoreAction.Add, addFlags, addKeywords) { Silent = true }, cancellationToken).ConfigureAwait(false);
        if (removeFlags != MessageFlags.None || removeKeywords.Count > 0)
            await folder.StoreAsync(existing, new StoreFlagsRequest(StoreAction.Remove, removeFlags, removeKeywords) { Silent = true }, cancellationToken).ConfigureAwait(false);
        return [.. existing.Select(u => u.Id)];
    });

    private static (MessageFlags Add, MessageFlags Remove) SystemFlags(FlagChange change)
    {
        MessageFlags add = MessageFlags.None, remove = MessageFlags.None;
        void Apply(bool? value, MessageFlags flag)
        {
            if (value == true) add |= flag;
            else if (value == false) remove |= flag;
        }
        Apply(change.Seen, MessageFlags.Seen);
        Apply(change.Flagged, MessageFlags.Flagged);
        Apply(change.Answered, MessageFlags.Answered);
        Apply(change.Draft, MessageFlags.Draft);
        return (add, remove);
    }

    /// <summary>The requested UIDs that still exist (one UID SEARCH), ascending.</summary>
    internal static async Task<IList<UniqueId>> ExistingAsync(IMailFolder folder, IReadOnlyList<uint> uids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var set = UidSet(uids);
        if (set.Count == 0) return [];
        var found = await folder.SearchAsync(SearchQuery.Uids(set), cancellationToken).ConfigureAwait(false);
        var result = new UniqueIdSet(SortOrder.Ascending);
        foreach (var uid in found) result.Add(new UniqueId(folder.UidValidity, uid.Id));
        return result;
    }
}
