using MailGateway.Imap;

namespace MailGateway.Api.Tests.Messages;

/// <summary>A session that records flag updates; every other member is unused by the tests that use it.</summary>
internal sealed class RecordingSession : IImapSession
{
    public List<(string Mailbox, uint Validity, IReadOnlyList<uint> Uids)> UpdateCalls { get; } = [];
    /// <summary>UIDs reported as changed (null: all).</summary>
    public HashSet<uint>? Changed { get; init; }
    public HashSet<uint> Existing { get; init; } = [];
    public uint StaleValidity { get; init; }

    public Task<IReadOnlyList<uint>> UpdateFlagsAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, FlagChange change, CancellationToken cancellationToken = default)
    {
        UpdateCalls.Add((mailbox, uidValidity, uids));
        if (uidValidity == StaleValidity) throw new StaleMessageException();
        return Task.FromResult<IReadOnlyList<uint>>(uids.Where(u => Changed is null || Changed.Contains(u)).ToList());
    }

    public Task<IReadOnlyList<MessageSummary>> GetSummariesAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<MessageSummary>>(uids.Where(Existing.Contains)
            .Select(u => new MessageSummary(mailbox, uidValidity, u, null, null, [], [], [], null, null, 0, [], false, null)).ToList());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<MailboxInfo> GetMailboxAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<MailboxInfo> CreateMailboxAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<MailboxInfo> UpdateMailboxAsync(string path, MailboxUpdate update, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task DeleteMailboxAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<MessagePage> ListMessagesAsync(string mailbox, MessageQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<MessageDetail> GetMessageAsync(MessageRef message, bool sanitizeHtml = true, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<PartDownload> OpenRawAsync(MessageRef message, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<PartDownload> OpenAttachmentAsync(MessageRef message, string partId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<UidMapping>> MoveAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, string destination, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<UidMapping>> CopyAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, string destination, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<uint>> DeleteAsync(string mailbox, uint uidValidity, IReadOnlyList<uint> uids, bool permanent, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<MessageRef> AppendAsync(string mailbox, Stream rawMessage, IReadOnlyList<string>? flags = null, DateTimeOffset? internalDate = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<MessageRef> AppendAsync(string mailbox, ComposeRequest message, IReadOnlyList<string>? flags = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public int StateCalls { get; private set; }

    public Task<MailboxState> GetStateAsync(string mailbox, CancellationToken cancellationToken = default)
    {
        StateCalls++;
        return Task.FromResult(new MailboxState(1, 1_000_000, 1));
    }
    public Task<MailboxChanges> GetChangesAsync(string mailbox, MailboxState since, int maxChanges, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
