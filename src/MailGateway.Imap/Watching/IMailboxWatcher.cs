namespace MailGateway.Imap;

/// <summary>
/// Watches every mailbox of one account on one dedicated connection (not from the command pool):
/// NOTIFY (RFC 5465) where the server offers it, else IDLE on INBOX plus a STATUS sweep of the other
/// mailboxes. Reconnects by itself with backoff until the enumeration is cancelled or disposed.
/// </summary>
public interface IMailboxWatcher
{
    /// <summary>
    /// Streams what changed. On every (re)connect it first catches up from <paramref name="knownState"/>
    /// (and afterwards from what it reported since): messages added since UIDNEXT, flags changed and
    /// messages vanished since HIGHESTMODSEQ (CONDSTORE/QRESYNC), mailboxes created, renamed or deleted.
    /// Every batch of changes for a mailbox is followed by <see cref="MailboxChange.Synced"/>: persist
    /// that state only after the changes before it were handled, and a restart neither loses nor repeats one.
    /// When <paramref name="knownState"/> is empty the first connect only takes a baseline (no events).
    /// </summary>
    IAsyncEnumerable<MailboxChange> WatchAsync(
        ImapAccount account,
        IReadOnlyDictionary<string, MailboxState> knownState,
        CancellationToken cancellationToken = default);
}

/// <summary>The <c>Events</c> configuration section as far as watching is concerned.</summary>
public sealed class MailboxWatcherOptions
{
    public const string Section = "Events";

    /// <summary>How often the other mailboxes are swept with STATUS when the server has no NOTIFY
    /// (and, as a safety net, how often the mailbox list is re-read when it has).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>IDLE is re-issued after this long (RFC 2177: servers may drop an IDLE after 30 min; many after 10).</summary>
    public TimeSpan IdleRestart { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>Without NOTIFY: folders (paths or special-use names, comma-separated) that get an extra IDLE connection
    /// each, so their changes arrive at once instead of at the next sweep; at most two. Empty = none.</summary>
    public string IdleFolders { get; set; } = "Sent";

    /// <summary>Use NOTIFY when the server offers it (false forces the IDLE + STATUS fallback).</summary>
    public bool UseNotify { get; set; } = true;

    /// <summary>Reconnect backoff bounds.</summary>
    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>After the server rejected the credentials, wait this long before trying again.</summary>
    public TimeSpan AuthFailedRetry { get; set; } = TimeSpan.FromMinutes(10);
}
