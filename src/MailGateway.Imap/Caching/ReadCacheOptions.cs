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
}
