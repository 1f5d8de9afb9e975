using MailGateway.Api.Messages;
using MailGateway.Imap;

namespace MailGateway.Api.Events;

/// <summary>Address in the REST shape (<c>{name?, address}</c>).</summary>
public sealed record EventAddress(string? Name, string Address);

/// <summary>
/// The summary a <c>message.created</c> event carries: the same fields and JSON names as the REST
/// <c>MessageSummary</c> (DESIGN §3), so a client can put it straight into its list.
/// </summary>
public sealed record EventMessageSummary(
    string Id,
    string MailboxId,
    uint Uid,
    string? MessageIdHeader,
    string? Subject,
    IReadOnlyList<EventAddress> From,
    IReadOnlyList<EventAddress> To,
    IReadOnlyList<EventAddress> Cc,
    DateTimeOffset? Date,
    DateTimeOffset? ReceivedAt,
    long Size,
    IReadOnlyList<string> Flags,
    bool Seen,
    bool Flagged,
    bool Answered,
    bool Draft,
    bool HasAttachments,
    string? Preview)
{
    public static EventMessageSummary Create(MessageSummary s) => new(
        ResourceIds.Message(s.Ref),
        ResourceIds.Mailbox(s.Mailbox),
        s.Uid,
        s.MessageIdHeader,
        s.Subject,
        Map(s.From),
        Map(s.To),
        Map(s.Cc),
        s.Date,
        s.ReceivedAt,
        s.Size,
        s.Flags,
        s.Seen,
        s.Flagged,
        s.Answered,
        s.Draft,
        s.HasAttachments,
        s.Preview);

    private static List<EventAddress> Map(IReadOnlyList<EmailAddress> list) => list.Select(a => new EventAddress(a.Name, a.Address)).ToList();
}

public sealed record MessageCreatedData(string MailboxId, string MailboxPath, string MessageId, uint Uid, EventMessageSummary Summary);

public sealed record MessageUpdatedData(string MailboxId, string MailboxPath, string MessageId, uint Uid,
    IReadOnlyList<string> Flags, bool Seen, bool Flagged, bool Answered, bool Draft, ulong ModSeq);

public sealed record MessageDeletedData(string MailboxId, string MailboxPath, string MessageId, uint Uid);

public sealed record MailboxEventData(string MailboxId, string MailboxPath, string? OldMailboxId = null, string? OldMailboxPath = null);

public sealed record MailboxResetData(string MailboxId, string MailboxPath, uint UidValidity, uint OldUidValidity);

public sealed record AccountEventData(string? Mode = null, string? Reason = null, int? RetryInSeconds = null);
