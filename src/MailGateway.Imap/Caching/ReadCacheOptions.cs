namespace MailGateway.Imap.Caching;

/// <summary>The <c>Imap:Cache</c> configuration section: the read-path cache of message summaries and bodies.</summary>
public sealed class ReadCacheOptions
{
    public const string Section = "Cache";

    /// <summary>Serve pages and messages from memory when one cheap command proves the mailbox unchanged.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Byte budget of this instance's cache (summaries and bodies together), evicted least recently used first.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
    /// <summary>A message's decoded text + HTML larger than this is not cached (it is fetched every time).</summary>
    public int MaxBodyBytes { get; set; } = 512 * 1024;
    /// <summary>How many mailbox views (UID list + flags of one mailbox) are kept; least recently used go first.</summary>
    public int MaxMailboxViews { get; set; } = 10_000;
    /// <summary>
    /// Serve pages and cached bodies of a watched mailbox (NOTIFY + QRESYNC watch on this instance) from memory with no
    /// IMAP command while the watch vouches for it. Off by default: a server announces another client's change a
    /// little after committing it (Dovecot waits 0.5 s on purpose), and in that window a read answered from the
    /// watched view is that much older than what the other client saw; with this off every read proves freshness
    /// with one command (STATUS) and is never older.
    /// </summary>
    public bool TrustWatch { get; set; }
    /// <summary>With <see cref="TrustWatch"/>: the watch must have heard from the server within this long (the watcher
    /// renews IDLE at half this period), else reads prove freshness with a command again.</summary>
    public TimeSpan WatchMaxSilence { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Also keep summaries and bodies in the shared store (Redis) so another instance serving the account finds
    /// them; flags and membership stay per instance and are proven as usual. Mail content then sits in Redis (TTL below).</summary>
    public bool Shared { get; set; }
    /// <summary>How long a shared entry lives.</summary>
    public TimeSpan SharedTtl { get; set; } = TimeSpan.FromHours(1);
    /// <summary>A serialized summary or body larger than this is not shared.</summary>
    public int SharedMaxEntryBytes { get; set; } = 256 * 1024;
    /// <summary>After the shared store failed (an error or timeout), skip the shared level this long (no Redis call),
    /// then let one call probe it (<see cref="SharedLevelBreaker"/>).</summary>
    public TimeSpan SharedBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
