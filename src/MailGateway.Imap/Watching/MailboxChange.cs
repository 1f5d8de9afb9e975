using System.Diagnostics;

namespace MailGateway.Imap;

/// <summary>What a <see cref="IMailboxWatcher"/> reports. Only our own records cross into the API.</summary>
public abstract record MailboxChange
{
    private MailboxChange() { }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the watcher learned of the change (for push latency).</summary>
    public long ObservedTimestamp { get; init; } = Stopwatch.GetTimestamp();

    /// <summary>The watch connection is up. <paramref name="UsesNotify"/>: NOTIFY, else IDLE + STATUS sweep.</summary>
    public sealed record Connected(bool UsesNotify) : MailboxChange;

    /// <summary>The server rejected the credentials; the watcher retries after <c>AuthFailedRetry</c>.</summary>
    public sealed record AuthFailed(string Reason) : MailboxChange;

    /// <summary>The connection was lost or could not be made; the watcher retries after <paramref name="RetryIn"/>.</summary>
    public sealed record Disconnected(string Reason, TimeSpan RetryIn) : MailboxChange;

    public sealed record MessagesAdded(string Mailbox, uint UidValidity, IReadOnlyList<MessageSummary> Messages) : MailboxChange;

    public sealed record FlagsChanged(string Mailbox, uint UidValidity, uint Uid, IReadOnlyList<string> Flags, ulong ModSeq) : MailboxChange;

    public sealed record MessagesExpunged(string Mailbox, uint UidValidity, IReadOnlyList<uint> Uids) : MailboxChange;

    public sealed record MailboxCreated(string Mailbox, MailboxState State) : MailboxChange;

    public sealed record MailboxRenamed(string OldMailbox, string NewMailbox, MailboxState State) : MailboxChange;

    public sealed record MailboxDeleted(string Mailbox, uint UidValidity) : MailboxChange;

    /// <summary>The mailbox was recreated: every UID known before is meaningless now (clients must reload).</summary>
    public sealed record UidValidityChanged(string Mailbox, uint OldUidValidity, MailboxState State) : MailboxChange;

    /// <summary>Checkpoint: the changes before it are everything up to <paramref name="State"/>. Persist it after handling them.</summary>
    public sealed record Synced(string Mailbox, MailboxState State) : MailboxChange;
}
