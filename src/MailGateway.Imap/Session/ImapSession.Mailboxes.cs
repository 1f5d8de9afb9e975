using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        var client = await ClientAsync(null, cancellationToken).ConfigureAwait(false);
        var items = StatusItemsFor(client);
        var result = new List<MailboxInfo>();
        foreach (var ns in client.PersonalNamespaces)
        {
            // LIST-STATUS where offered: one command for the whole tree with counters and special-use.
            var folders = await client.GetFoldersAsync(ns, items, false, cancellationToken).ConfigureAwait(false);
            result.AddRange(folders.Where(f => !f.Attributes.HasFlag(FolderAttributes.NonExistent)).Select(ToInfo));
        }
        if (!result.Any(m => m.SpecialUse == "inbox"))
        {
            await client.Inbox.StatusAsync(items, cancellationToken).ConfigureAwait(false);
            result.Insert(0, ToInfo(client.Inbox));
        }
        return (IReadOnlyList<MailboxInfo>)result;
    });

    public Task<MailboxInfo> GetMailboxAsync(string path, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        var folder = await GetFolderAsync(path, cancellationToken).ConfigureAwait(false);
        return await InfoAsync(folder, cancellationToken).ConfigureAwait(false);
    });

    public Task<MailboxInfo> CreateMailboxAsync(string path, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        MailboxPaths.Validate(path);
        var client = await ClientAsync(null, cancellationToken).ConfigureAwait(false);
        if (await TryGetFolderAsync(path, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            // On a retry the first attempt may have created it before its connection died: same answer as then.
            if (Retrying) return await InfoAsync(existing, cancellationToken).ConfigureAwait(false);
            throw new MailboxAlreadyExistsException(path);
        }
        var folder = await CreateWithParentsAsync(client, path, cancellationToken).ConfigureAwait(false);
        return await InfoAsync(folder, cancellationToken).ConfigureAwait(false);
    });

    public Task<MailboxInfo> UpdateMailboxAsync(string path, MailboxUpdate update, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(update);
        var client = await ClientAsync(null, cancellationToken).ConfigureAwait(false);
        if (Retrying && await RenamedByFirstAttemptAsync(path, update.NewPath, cancellationToken).ConfigureAwait(false))
            path = update.NewPath!;
        var folder = await GetFolderAsync(path, cancellationToken).ConfigureAwait(false);
        if (update.NewPath is { } newPath && newPath != path)
        {
            // MailKit refuses to rename INBOX with an InvalidOperationException (a 500); the API refuses it first.
            if (folder.Attributes.HasFlag(FolderAttributes.Inbox) || string.Equals(path, "INBOX", StringComparison.OrdinalIgnoreCase))
                throw new ImapOperationException("INBOX cannot be renamed.");
            MailboxPaths.Validate(newPath);
            var separator = Separator(client, folder);
            // MailKit refuses a move into the folder's own subtree with an InvalidOperationException (a 500): refuse it first.
            if (newPath.StartsWith(path + separator, StringComparison.Ordinal))
                throw new ImapOperationException("A mailbox cannot be moved inside itself.");
            if (await TryGetFolderAsync(newPath, cancellationToken).ConfigureAwait(false) is not null)
                throw new MailboxAlreadyExistsException(newPath);
            var cut = newPath.LastIndexOf(separator);
            var parent = cut < 0
                ? client.GetFolder(client.PersonalNamespaces[0])
                : await CreateWithParentsAsync(client, newPath[..cut], cancellationToken).ConfigureAwait(false);
            MailboxesChanged();
            if (folder.IsOpen) await folder.CloseAsync(false, cancellationToken).ConfigureAwait(false);
            await MissingAsNotFound(path, () => folder.RenameAsync(parent, cut < 0 ? newPath : newPath[(cut + 1)..], cancellationToken)).ConfigureAwait(false);
            path = newPath;
        }
        if (update.Subscribed is { } subscribe)
        {
            if (subscribe) await folder.SubscribeAsync(cancellationToken).ConfigureAwait(false);
            else await folder.UnsubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
        return await InfoAsync(folder, cancellationToken).ConfigureAwait(false);
    });

    public Task DeleteMailboxAsync(string path, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        if (string.Equals(path, "INBOX", StringComparison.OrdinalIgnoreCase))
            throw new ImapOperationException("INBOX cannot be deleted.");
        var folder = await GetFolderAsync(path, cancellationToken).ConfigureAwait(false);
        MailboxesChanged();
        // UNSELECT (never CLOSE, which would expunge other clients' \Deleted mail) before deleting.
        if (folder.IsOpen) await folder.CloseAsync(false, cancellationToken).ConfigureAwait(false);
        await CommittingAsync(cancellationToken).ConfigureAwait(false);
        await MissingAsNotFound(path, () => folder.DeleteAsync(cancellationToken)).ConfigureAwait(false);
    }, idempotent: false);

    /// <summary>On a retry: the source is gone and the target exists, so the first attempt's RENAME went through.</summary>
    private async Task<bool> RenamedByFirstAttemptAsync(string path, string? newPath, CancellationToken cancellationToken) =>
        newPath is not null && newPath != path
        && await TryGetFolderAsync(path, cancellationToken).ConfigureAwait(false) is null
        && await TryGetFolderAsync(newPath, cancellationToken).ConfigureAwait(false) is not null;

    private async Task<IMailFolder?> TryGetFolderAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await GetFolderAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (MailboxNotFoundException)
        {
            return null;
        }
    }

    private async Task<IMailFolder> CreateWithParentsAsync(ImapClient client, string path, CancellationToken cancellationToken)
    {
        var current = client.GetFolder(client.PersonalNamespaces[0]);
        var separator = current.DirectorySeparator == '\0' ? '/' : current.DirectorySeparator;
        var segments = path.Split(separator);
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].Length == 0) throw new ImapOperationException("A mailbox path must not contain empty segments.");
            var prefix = string.Join(separator, segments[..(i + 1)]);
            var parent = current;
            current = await TryGetFolderAsync(prefix, cancellationToken).ConfigureAwait(false)
                ?? await parent.CreateAsync(segments[i], true, cancellationToken).ConfigureAwait(false)
                ?? throw new ImapOperationException($"The mailbox '{prefix}' could not be created.");
        }
        return current;
    }

    private static char Separator(ImapClient client, IMailFolder folder) =>
        folder.DirectorySeparator != '\0' ? folder.DirectorySeparator
        : client.PersonalNamespaces.Count > 0 && client.PersonalNamespaces[0].DirectorySeparator != '\0' ? client.PersonalNamespaces[0].DirectorySeparator : '/';

    private static StatusItems StatusItemsFor(ImapClient client)
    {
        var items = StatusItems.Count | StatusItems.Unread | StatusItems.UidValidity | StatusItems.UidNext;
        if (client.Capabilities.HasFlag(ImapCapabilities.CondStore)) items |= StatusItems.HighestModSeq;
        return items;
    }

    private async Task<MailboxInfo> InfoAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(null, cancellationToken).ConfigureAwait(false);
        if (!folder.Attributes.HasFlag(FolderAttributes.NoSelect))
            await MissingAsNotFound(folder.FullName, () => folder.StatusAsync(StatusItemsFor(client), cancellationToken)).ConfigureAwait(false);
        return ToInfo(folder);
    }

    private static MailboxInfo ToInfo(IMailFolder f) => new(
        f.FullName,
        f.Name,
        f.DirectorySeparator == '\0' ? null : f.DirectorySeparator,
        MailboxPaths.SpecialUse(f),
        f.IsSubscribed,
        !f.Attributes.HasFlag(FolderAttributes.NoSelect),
        f.Count,
        f.Unread,
        f.UidValidity,
        f.UidNext?.Id ?? 0,
        f.HighestModSeq);
}
