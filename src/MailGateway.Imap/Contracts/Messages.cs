namespace MailGateway.Imap;

/// <summary>Points at one message: mailbox path, UIDVALIDITY and UID. The API's opaque message id encodes it.</summary>
public readonly record struct MessageRef(string Mailbox, uint UidValidity, uint Uid);

public sealed record EmailAddress(string? Name, string Address);

/// <summary>The summary shown in lists and carried by <c>message.created</c> events.</summary>
public sealed record MessageSummary(
    string Mailbox,
    uint UidValidity,
    uint Uid,
    string? MessageIdHeader,
    string? Subject,
    IReadOnlyList<EmailAddress> From,
    IReadOnlyList<EmailAddress> To,
    IReadOnlyList<EmailAddress> Cc,
    DateTimeOffset? Date,
    DateTimeOffset? ReceivedAt,
    long Size,
    IReadOnlyList<string> Flags,      // "\\Seen", "\\Flagged", "$Forwarded", "Work", ...
    bool HasAttachments,
    string? Preview,
    ulong ModSeq = 0,
    bool Unparsable = false)
{
    public bool Seen => Flags.Contains(@"\Seen", StringComparer.OrdinalIgnoreCase);
    public bool Flagged => Flags.Contains(@"\Flagged", StringComparer.OrdinalIgnoreCase);
    public bool Answered => Flags.Contains(@"\Answered", StringComparer.OrdinalIgnoreCase);
    public bool Draft => Flags.Contains(@"\Draft", StringComparer.OrdinalIgnoreCase);
    public MessageRef Ref => new(Mailbox, UidValidity, Uid);
}

/// <summary>One attachment or inline part. <see cref="PartId"/> is the IMAP body part specifier ("2", "1.2").</summary>
public sealed record AttachmentInfo(
    string PartId,
    string? FileName,
    string ContentType,
    long Size,
    string? ContentId,
    bool Inline);

/// <summary>A whole message for display: summary, headers, text, sanitized (or raw) HTML, attachment list.</summary>
public sealed record MessageDetail(
    MessageSummary Summary,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Text,
    string? Html,
    IReadOnlyList<AttachmentInfo> Attachments,
    string? InReplyTo,
    IReadOnlyList<string> References);

/// <summary>Filters and paging for a message list. All text goes through MailKit's search model, never into a command string.</summary>
public sealed record MessageQuery
{
    public int Limit { get; init; } = 50;
    /// <summary>Only messages with a UID below this one (the cursor of the previous page).</summary>
    public uint? BeforeUid { get; init; }
    public bool? Unseen { get; init; }
    public bool? Flagged { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Subject { get; init; }
    public string? Text { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Before { get; init; }
    public long? Larger { get; init; }
    public long? Smaller { get; init; }
    public bool? HasAttachment { get; init; }
    public string? HeaderName { get; init; }
    public string? HeaderValue { get; init; }
    public string? Keyword { get; init; }
    public uint? MinUid { get; init; }
    public uint? MaxUid { get; init; }
}

/// <summary>One page of a message list, newest first.</summary>
/// <param name="NextBeforeUid">Set when there are older messages: pass it as <see cref="MessageQuery.BeforeUid"/>.</param>
public sealed record MessagePage(
    IReadOnlyList<MessageSummary> Items,
    uint? NextBeforeUid,
    MailboxState State);

/// <summary>The sync position of a mailbox (opaque to clients once the API encodes it).</summary>
public readonly record struct MailboxState(uint UidValidity, uint UidNext, ulong HighestModSeq);

/// <summary>Flag changes for one or many messages.</summary>
public sealed record FlagChange(
    bool? Seen = null,
    bool? Flagged = null,
    bool? Answered = null,
    bool? Draft = null,
    IReadOnlyList<string>? AddKeywords = null,
    IReadOnlyList<string>? RemoveKeywords = null);

/// <summary>Where a message went after a move or copy (null NewUid when the server gave no COPYUID and it could not be found).</summary>
public readonly record struct UidMapping(uint SourceUid, uint? NewUid, uint NewUidValidity);

/// <summary>What changed in a mailbox since a state (JMAP Email/changes style).</summary>
public sealed record MailboxChanges(
    IReadOnlyList<uint> Created,
    IReadOnlyList<uint> Updated,
    IReadOnlyList<uint> Destroyed,
    MailboxState NewState,
    bool HasMore);

/// <summary>A body part or raw message to be written to a response without buffering it whole.</summary>
public sealed class PartDownload
{
    public required string ContentType { get; init; }
    public string? FileName { get; init; }
    /// <summary>Decoded length when known in advance (raw messages), else null.</summary>
    public long? Length { get; init; }
    public required Func<Stream, CancellationToken, Task> WriteToAsync { get; init; }
}

/// <summary>A message to build with MimeKit and append (the JSON compose body).</summary>
public sealed record ComposeRequest(
    EmailAddress? From,
    IReadOnlyList<EmailAddress> To,
    IReadOnlyList<EmailAddress> Cc,
    IReadOnlyList<EmailAddress> Bcc,
    string? Subject,
    string? Text,
    string? Html,
    string? InReplyTo,
    IReadOnlyList<ComposeAttachment> Attachments);

public sealed record ComposeAttachment(string FileName, string ContentType, byte[] Content);
