using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    public Task<IReadOnlyList<uint>> DeleteAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, bool permanent, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        var trash = permanent ? null : await FindTrashAsync(mailbox, cancellationToken).ConfigureAwait(false);
        if (!permanent && trash is null)
            throw new ImapOperationException("The account has no Trash mailbox; delete permanently instead.");
        var folder = await SelectCheckedAsync(mailbox, uidValidity, uids, FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        var existing = await ExistingAsync(folder, uids, cancellationToken).ConfigureAwait(false);
        if (existing.Count == 0) return (IReadOnlyList<uint>)[];
        await CommittingAsync(cancellationToken).ConfigureAwait(false);
        if (trash is not null && !string.Equals(trash.FullName, folder.FullName, StringComparison.Ordinal))
        {
            await folder.MoveToAsync(existing, trash, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Only these UIDs: UID EXPUNGE (UIDPLUS), never a bare EXPUNGE that would take other clients' \Deleted mail.
            await folder.AddFlagsAsync(existing, MessageFlags.Deleted, true, cancellationToken).ConfigureAwait(false);
            await folder.ExpungeAsync(existing, cancellationToken).ConfigureAwait(false);
        }
        return [.. existing.Select(u => u.Id)];
    }, idempotent: false);

    /// <summary>The special-use \Trash folder, else a folder with a usual trash name.</summary>
    private async Task<IMailFolder?> FindTrashAsync(string mailbox, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false);
        if (client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) || client.Capabilities.HasFlag(ImapCapabilities.XList))
        {
            try
            {
                if (client.GetFolder(SpecialFolder.Trash) is { } special) return special;
            }
            catch (NotSupportedException)
            {
                // fall through to names
            }
        }
        foreach (var ns in client.PersonalNamespaces)
        {
            var folders = await client.GetFoldersAsync(ns, false, cancellationToken).ConfigureAwait(false);
            if (folders.FirstOrDefault(f => MailboxPaths.SpecialUse(f) == "trash") is { } named) return named;
        }
        return null;
    }
}
