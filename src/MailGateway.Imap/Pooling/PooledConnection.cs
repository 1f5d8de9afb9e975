using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Pooling;

/// <summary>One authenticated connection in the pool and what it has selected.</summary>
internal sealed class PooledConnection(ImapClient client, string credentialStamp, int generation, DateTimeOffset openedAt)
{
    public ImapClient Client { get; } = client;
    public string CredentialStamp { get; } = credentialStamp;
    /// <summary>The account pool's generation when this connection opened; a reset retires older ones.</summary>
    public int Generation { get; } = generation;
    public DateTimeOffset LastUsed { get; set; } = openedAt;
    /// <summary>The cluster-wide budget permit this connection holds (returned when it closes).</summary>
    public IAsyncDisposable? Permit { get; set; }
    /// <summary>The user whose share of the instance's connections this one counts against.</summary>
    public string? Owner { get; set; }

    /// <summary>The selected mailbox path, or null.</summary>
    public string? SelectedPath { get; private set; }
    public IMailFolder? SelectedFolder { get; private set; }
    /// <summary>The account's mailbox epoch when the folder was selected (renames/deletes bump it).</summary>
    public int SelectedEpoch { get; private set; }

    public void Selected(string path, IMailFolder folder, int epoch)
    {
        SelectedPath = path;
        SelectedFolder = folder;
        SelectedEpoch = epoch;
    }

    public void Unselected()
    {
        SelectedPath = null;
        SelectedFolder = null;
    }

    public bool HasSelected(string path, FolderAccess access, int epoch) =>
        SelectedPath == path && SelectedEpoch == epoch && SelectedFolder is { IsOpen: true } folder &&
        (access == FolderAccess.ReadOnly || folder.Access == FolderAccess.ReadWrite);
}
