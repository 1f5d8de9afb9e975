using MailGateway.Imap;
using MailGateway.Imap.Mime;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>A list page plus what the HTTP layer needs for its ETag.</summary>
public sealed record MessageListResult(MessageListDto Page, MailboxState State, ulong FilterHash);

/// <summary>
/// Message operations for one caller's account, shared by REST and GraphQL: checks ids and input,
/// leases a session from the pool, calls the IMAP layer, maps to the API contracts.
/// </summary>
public sealed partial class MessageService(MailAccess access, CleanedHtmlMemo? htmlMemo = null)
{
    public async Task<MessageListResult> ListAsync(Caller caller, string accountId, string mailboxId, MessageQuery filter,
        string? cursor, CancellationToken cancellationToken)
    {
        var request = PageRequest.Parse(mailboxId, filter, cursor);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        return await ListAsync(session, request, cancellationToken);
    }

    /// <summary>The mailbox's current sync state (cheap: STATUS), for conditional requests.</summary>
    public async Task<MailboxState> GetStateAsync(Caller caller, string accountId, string mailboxId, CancellationToken cancellationToken)
    {
        var mailbox = Ids.Mailbox(mailboxId);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        return await session.GetStateAsync(mailbox, cancellationToken);
    }

    public Task<MessageDetailDto> GetAsync(Caller caller, string accountId, string messageId, bool rawHtml, CancellationToken cancellationToken) =>
        GetAsync(caller, accountId, messageId, rawHtml, allowRemoteContent: false, cancellationToken);

    /// <summary>One whole message. Its HTML is cleaned by <see cref="HtmlCleaner"/> unless <paramref name="rawHtml"/>:
    /// remote images and CSS URLs are dropped unless <paramref name="allowRemoteContent"/> (and the answer says so), and
    /// <c>cid:</c> references point at the attachment route of the gateway.</summary>
    public async Task<MessageDetailDto> GetAsync(Caller caller, string accountId, string messageId, bool rawHtml, bool allowRemoteContent,
        CancellationToken cancellationToken)
    {
        var message = Ids.Message(messageId);
        var detail = await access.GetMessageAsync(caller, accountId, message, sanitizeHtml: false, cancellationToken);
        var dto = detail.ToDto();
        if (rawHtml || dto.Html is null)
            return dto;
        var inline = dto.Attachments.Where(a => a.ContentId is not null)
            .GroupBy(a => a.ContentId!.Trim('<', '>'), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
        CleanHtml Clean() => HtmlCleaner.Clean(dto.Html, new HtmlCleaning(allowRemoteContent, cid => inline.TryGetValue(cid, out var attachmentId)
            ? $"/api/v1/accounts/{Uri.EscapeDataString(accountId)}/messages/{Uri.EscapeDataString(messageId)}/attachments/{attachmentId}"
            : null));
        // One message's HTML is cleaned once per remote-content choice, then reused while it stays the same (CleanedHtmlMemo).
        var cleaned = htmlMemo is null ? Clean()
            : htmlMemo.GetOrClean(accountId, messageId, allowRemoteContent, dto.Html,
                string.Join('\n', inline.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")), Clean);
        return dto with { Html = cleaned.Html, RemoteContentBlocked = cleaned.RemoteContentBlocked };
    }

    /// <summary>Opens the raw message; the caller owns the returned lease until it has written the body.</summary>
    public Task<MessageDownload> OpenRawAsync(Caller caller, string accountId, string messageId, CancellationToken cancellationToken)
    {
        var message = Ids.Message(messageId);
        return OpenDownloadAsync(caller, accountId, s => s.OpenRawAsync(message, cancellationToken), cancellationToken);
    }

    /// <summary>Opens one decoded attachment; the caller owns the returned lease until it has written the body.</summary>
    public Task<MessageDownload> OpenAttachmentAsync(Caller caller, string accountId, string messageId, string attachmentId,
        CancellationToken cancellationToken)
    {
        var message = Ids.Message(messageId);
        var part = Ids.Attachment(attachmentId);
        return OpenDownloadAsync(caller, accountId, async s =>
        {
            try
            {
                return await s.OpenAttachmentAsync(message, part, cancellationToken);
            }
            catch (ImapOperationException) { throw MailApiException.AttachmentNotFound(); }
        }, cancellationToken);
    }

    private async Task<MessageDownload> OpenDownloadAsync(Caller caller, string accountId,
        Func<IImapSession, Task<PartDownload>> open, CancellationToken cancellationToken)
    {
        var session = await access.OpenAsync(caller, accountId, cancellationToken);
        try
        {
            return new MessageDownload(session, await open(session));
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A download with the session lease it streams from: dispose after writing the body.</summary>
public sealed class MessageDownload(IAsyncDisposable lease, PartDownload part) : IAsyncDisposable
{
    private IAsyncDisposable? _lease = lease;

    public PartDownload Part { get; } = part;

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _lease, null)?.DisposeAsync() ?? ValueTask.CompletedTask;
}
