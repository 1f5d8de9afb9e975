namespace MailGateway.Imap;

/// <summary>
/// An exclusive lease on one authenticated IMAP connection. Not re-entrant: one call at a time.
/// Every operation that names a message checks its UIDVALIDITY and throws <see cref="StaleMessageException"/>
/// when the mailbox was recreated.
/// </summary>
public interface IImapSession : IAsyncDisposable
{
    // ---- mailboxes ----
    Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken = default);
    /// <exception cref="MailboxNotFoundException"/>
    Task<MailboxInfo> GetMailboxAsync(string path, CancellationToken cancellationToken = default);
    /// <summary>Creates the mailbox and any missing parents.</summary>
    Task<MailboxInfo> CreateMailboxAsync(string path, CancellationToken cancellationToken = default);
    /// <summary>Renames (children follow) and/or (un)subscribes; answers the mailbox as it is afterwards.</summary>
    Task<MailboxInfo> UpdateMailboxAsync(string path, MailboxUpdate update, CancellationToken cancellationToken = default);
    Task DeleteMailboxAsync(string path, CancellationToken cancellationToken = default);

    // ---- reading ----
    Task<MessagePage> ListMessagesAsync(string mailbox, MessageQuery query, CancellationToken cancellationToken = default);
    /// <summary>Summaries of the given UIDs (those that still exist), for events and batch answers.</summary>
    Task<IReadOnlyList<MessageSummary>> GetSummariesAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, CancellationToken cancellationToken = default);
    /// <exception cref="MessageNotFoundException"/> <exception cref="StaleMessageException"/>
    Task<MessageDetail> GetMessageAsync(MessageRef message, bool sanitizeHtml = true, CancellationToken cancellationToken = default);
    /// <summary>The raw RFC 5322 message, streamed in bounded chunks.</summary>
    /// <remarks><see cref="PartDownload.WriteToAsync"/> reads through this session's lease: call it before disposing the session.</remarks>
    Task<PartDownload> OpenRawAsync(MessageRef message, CancellationToken cancellationToken = default);
    /// <summary>One decoded body part, streamed in bounded chunks (base64/QP decoded on the fly).</summary>
    /// <remarks><see cref="PartDownload.WriteToAsync"/> reads through this session's lease: call it before disposing the session.</remarks>
    Task<PartDownload> OpenAttachmentAsync(MessageRef message, string partId, CancellationToken cancellationToken = default);

    // ---- writing ----
    /// <summary>Applies flag changes; answers the UIDs that existed and were changed.</summary>
    Task<IReadOnlyList<uint>> UpdateFlagsAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, FlagChange change, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<UidMapping>> MoveAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, string destination, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<UidMapping>> CopyAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, string destination, CancellationToken cancellationToken = default);
    /// <summary>Moves to the special-use Trash, or (permanent, or already in Trash) flags \Deleted and UID EXPUNGEs only these UIDs.</summary>
    Task<IReadOnlyList<uint>> DeleteAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, bool permanent, CancellationToken cancellationToken = default);
    /// <summary>Appends a raw message; answers its new reference (APPENDUID, or found by Message-ID when the server lacks UIDPLUS).</summary>
    Task<MessageRef> AppendAsync(string mailbox, Stream rawMessage, IReadOnlyList<string>? flags = null, DateTimeOffset? internalDate = null, CancellationToken cancellationToken = default);
    /// <summary>Builds a message with MimeKit from the compose request and appends it.</summary>
    Task<MessageRef> AppendAsync(string mailbox, ComposeRequest message, IReadOnlyList<string>? flags = null, CancellationToken cancellationToken = default);

    // ---- sync ----
    /// <summary>Current state of a mailbox (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ).</summary>
    Task<MailboxState> GetStateAsync(string mailbox, CancellationToken cancellationToken = default);
    /// <summary>Changes since a state: CONDSTORE/QRESYNC where the server has them, else UID set comparison.</summary>
    /// <exception cref="CannotCalculateChangesException">UIDVALIDITY changed or the state is too old.</exception>
    Task<MailboxChanges> GetChangesAsync(string mailbox, MailboxState since, int maxChanges, CancellationToken cancellationToken = default);
}
