using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

public sealed partial class MessageService
{
    /// <summary>Changes flags and keywords; answers the summary as it is afterwards (404 when the message is gone).</summary>
    public async Task<MessageSummaryDto> UpdateAsync(Caller caller, string accountId, string messageId, UpdateMessageRequest request,
        CancellationToken cancellationToken)
    {
        var message = Ids.Message(messageId);
        var change = FlagChanges.From(request.Seen, request.Flagged, request.Answered, request.Draft, request.AddFlags, request.RemoveFlags);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        if (!FlagChanges.IsEmpty(change))
        {
            await session.UpdateFlagsAsync(message.Mailbox, message.UidValidity, [message.Uid], change, cancellationToken);
        }
        var summaries = await session.GetSummariesAsync(message.Mailbox, message.UidValidity, [message.Uid], cancellationToken);
        return summaries.FirstOrDefault(s => s.Uid == message.Uid)?.ToDto() ?? throw MailApiException.MessageNotFound();
    }

    public Task<MessageIdDto> MoveAsync(Caller caller, string accountId, string messageId, string? targetMailboxId, CancellationToken cancellationToken) =>
        TransferAsync(caller, accountId, messageId, targetMailboxId, move: true, cancellationToken);

    public Task<MessageIdDto> CopyAsync(Caller caller, string accountId, string messageId, string? targetMailboxId, CancellationToken cancellationToken) =>
        TransferAsync(caller, accountId, messageId, targetMailboxId, move: false, cancellationToken);

    private async Task<MessageIdDto> TransferAsync(Caller caller, string accountId, string messageId, string? targetMailboxId, bool move,
        CancellationToken cancellationToken)
    {
        var message = Ids.Message(messageId);
        var destination = Ids.TargetMailbox(targetMailboxId);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        var mappings = move
            ? await session.MoveAsync(message.Mailbox, message.UidValidity, [message.Uid], destination, cancellationToken)
            : await session.CopyAsync(message.Mailbox, message.UidValidity, [message.Uid], destination, cancellationToken);
        var mapping = mappings.Where(m => m.SourceUid == message.Uid).Select(m => (UidMapping?)m).FirstOrDefault()
            ?? throw MailApiException.MessageNotFound();
        return new MessageIdDto(mapping.NewUid is { } uid
            ? ResourceIds.Message(new MessageRef(destination, mapping.NewUidValidity, uid)) : null);
    }

    /// <summary>Moves the message to Trash, or expunges exactly this UID when <paramref name="permanent"/>.</summary>
    public async Task DeleteAsync(Caller caller, string accountId, string messageId, bool permanent, CancellationToken cancellationToken)
    {
        var message = Ids.Message(messageId);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        var deleted = await session.DeleteAsync(message.Mailbox, message.UidValidity, [message.Uid], permanent, cancellationToken);
        if (!deleted.Contains(message.Uid)) throw MailApiException.MessageNotFound();
    }

    /// <summary>Appends a raw RFC 5322 message (the caller enforces the size limit while it streams).</summary>
    public async Task<string> AppendRawAsync(Caller caller, string accountId, string mailboxId, Stream rawMessage,
        CancellationToken cancellationToken)
    {
        var mailbox = Ids.Mailbox(mailboxId);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        var created = await session.AppendAsync(mailbox, rawMessage, flags: null, internalDate: null, cancellationToken);
        return ResourceIds.Message(created);
    }

    /// <summary>Builds a message from the JSON compose body (MimeKit, in the IMAP layer) and appends it.</summary>
    public async Task<string> AppendComposedAsync(Caller caller, string accountId, string mailboxId, ComposeMessageRequest request,
        CancellationToken cancellationToken)
    {
        var mailbox = Ids.Mailbox(mailboxId);
        var compose = ComposeValidation.ToComposeRequest(request);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        var created = await session.AppendAsync(mailbox, compose, flags: null, cancellationToken);
        return ResourceIds.Message(created);
    }
}
