using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>One message page asked for: the mailbox, the filter and where to continue.</summary>
public sealed record MessagePageRequest(string MailboxId, MessageQuery Filter, string? Cursor);

public sealed partial class MessageService
{
    /// <summary>
    /// Several pages of one account on one lease (GraphQL asks for the pages of many mailboxes in one query): one
    /// connection, pages one after another. Each page succeeds or fails on its own (a bad cursor or a missing mailbox
    /// fails its page only); a request rejected before any IMAP work (unknown account, no access) fails them all.
    /// </summary>
    public async Task<IReadOnlyList<Task<MessageListResult>>> ListManyAsync(Caller caller, string accountId,
        IReadOnlyList<MessagePageRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new Task<MessageListResult>[requests.Count];
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                var request = PageRequest.Parse(requests[i].MailboxId, requests[i].Filter, requests[i].Cursor);
                results[i] = Task.FromResult(await ListAsync(session, request, cancellationToken));
            }
            catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
            {
                results[i] = Task.FromException<MessageListResult>(e);
            }
        }
        return results;
    }

    private static async Task<MessageListResult> ListAsync(IImapSession session, PageRequest request, CancellationToken cancellationToken)
    {
        var page = await session.ListMessagesAsync(request.Mailbox, request.Filter with { BeforeUid = request.Position?.BeforeUid }, cancellationToken);
        if (request.Position is { } p && p.UidValidity != page.State.UidValidity) throw MessageCursor.Expired();
        var next = page.NextBeforeUid is { } before ? new MessageCursor(page.State.UidValidity, before, request.Hash).Encode() : null;
        var dto = new MessageListDto(page.Items.Select(m => m.ToDto()).ToList(), next, StateToken.Encode(request.Mailbox, page.State));
        return new MessageListResult(dto, page.State, request.Hash);
    }

    /// <summary>The checked form of a page request (ids decoded, filter validated, cursor bound to the filter).</summary>
    private sealed record PageRequest(string Mailbox, MessageQuery Filter, ulong Hash, MessageCursor? Position)
    {
        public static PageRequest Parse(string mailboxId, MessageQuery filter, string? cursor)
        {
            var mailbox = Ids.Mailbox(mailboxId);
            MessageQueryRules.Validate(filter);
            var hash = MessageQueryRules.FilterHash(mailbox, filter);
            return new PageRequest(mailbox, filter, hash, cursor is null ? null : MessageCursor.Parse(cursor, hash));
        }
    }
}
