using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    public Task<IReadOnlyList<UidMapping>> MoveAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, string destination, CancellationToken cancellationToken = default) =>
        TransferAsync(mailbox, uidValidity, uids, destination, move: true, cancellationToken);

    public Task<IReadOnlyList<UidMapping>> CopyAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, string destination, CancellationToken cancellationToken = default) =>
        TransferAsync(mailbox, uidValidity, uids, destination, move: false, cancellationToken);

    /// <summary>One UID MOVE/COPY over the UID set; new UIDs from COPYUID (UIDPLUS), else found by Message-ID in the destination.</summary>
    private Task<IReadOnlyList<UidMapping>> TransferAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, string destination, bool move, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var client = await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var folder = await SelectCheckedAsync(mailbox, uidValidity, uids, FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        var target = await GetFolderAsync(destination, cancellationToken).ConfigureAwait(false);
        var existing = await ExistingAsync(folder, uids, cancellationToken).ConfigureAwait(false);
        if (existing.Count == 0) return (IReadOnlyList<UidMapping>)[];
        if (move && string.Equals(target.FullName, folder.FullName, StringComparison.Ordinal))
            return [.. existing.Select(u => new UidMapping(u.Id, u.Id, folder.UidValidity))];

        var hasUidPlus = client.Capabilities.HasFlag(ImapCapabilities.UidPlus);
        var messageIds = hasUidPlus ? null : await MessageIdsAsync(folder, existing, cancellationToken).ConfigureAwait(false);
        await CommittingAsync(cancellationToken).ConfigureAwait(false);
        var map = move
            ? await folder.MoveToAsync(existing, target, cancellationToken).ConfigureAwait(false)
            : await folder.CopyToAsync(existing, target, cancellationToken).ConfigureAwait(false);
        if (map.Destination.Count == existing.Count)
        {
            var validity = map.Destination[0].Validity;
            return [.. map.Source.Select((s, i) => new UidMapping(s.Id, map.Destination[i].Id, validity))];
        }
        return await FindByMessageIdAsync(destination, existing, messageIds ?? [], cancellationToken).ConfigureAwait(false);
    }, idempotent: false);

    private static async Task<Dictionary<uint, string>> MessageIdsAsync(IMailFolder folder, IList<UniqueId> uids, CancellationToken cancellationToken)
    {
        var fetched = await folder.FetchAsync(uids, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope), cancellationToken).ConfigureAwait(false);
        return fetched.Where(f => !string.IsNullOrEmpty(f.Envelope?.MessageId)).ToDictionary(f => f.UniqueId.Id, f => f.Envelope!.MessageId!);
    }

    /// <summary>Fallback without UIDPLUS: selects the destination and searches each Message-ID (newest match wins).</summary>
    private async Task<IReadOnlyList<UidMapping>> FindByMessageIdAsync(string destination, IList<UniqueId> sources, Dictionary<uint, string> messageIds, CancellationToken cancellationToken)
    {
        var target = await EnsureSelectedAsync(destination, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var result = new List<UidMapping>(sources.Count);
        foreach (var source in sources)
        {
            uint? newUid = null;
            if (messageIds.TryGetValue(source.Id, out var id))
            {
                var found = await target.SearchAsync(SearchQuery.HeaderContains("Message-ID", id), cancellationToken).ConfigureAwait(false);
                if (found.Count > 0) newUid = found.Max(u => u.Id);
            }
            result.Add(new UidMapping(source.Id, newUid, target.UidValidity));
        }
        return result;
    }
}
