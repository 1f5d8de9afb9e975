namespace MailGateway.Imap;

/// <summary>A mailbox (folder) with its counters, as LIST-STATUS or STATUS reports them.</summary>
public sealed record MailboxInfo(
    string Path,
    string Name,
    char? Delimiter,
    string? SpecialUse,          // "inbox", "drafts", "sent", "trash", "junk", "archive", "all", "flagged" or null
    bool Subscribed,
    bool Selectable,
    int Total,
    int Unseen,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq);

/// <summary>What a PATCH of a mailbox may change.</summary>
public sealed record MailboxUpdate(string? NewPath = null, bool? Subscribed = null);
