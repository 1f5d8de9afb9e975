using MailGateway.Api.Messages;

namespace MailGateway.Api.Events;

/// <summary><c>message.created</c>: <paramref name="Summary"/> is the REST <c>MessageSummary</c> (same DTO, same JSON),
/// so a client can put it straight into its list without another call.</summary>
public sealed record MessageCreatedData(string MailboxId, string MailboxPath, string MessageId, uint Uid, MessageSummaryDto Summary);

public sealed record MessageUpdatedData(string MailboxId, string MailboxPath, string MessageId, uint Uid,
    IReadOnlyList<string> Flags, bool Seen, bool Flagged, bool Answered, bool Draft, ulong ModSeq);

public sealed record MessageDeletedData(string MailboxId, string MailboxPath, string MessageId, uint Uid);

public sealed record MailboxEventData(string MailboxId, string MailboxPath, string? OldMailboxId = null, string? OldMailboxPath = null);

public sealed record MailboxResetData(string MailboxId, string MailboxPath, uint UidValidity, uint OldUidValidity);

public sealed record AccountEventData(string? Mode = null, string? Reason = null, int? RetryInSeconds = null);
