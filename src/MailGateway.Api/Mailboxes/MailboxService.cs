using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Mailboxes;

/// <summary>Mailbox operations for one caller's account, shared by REST and GraphQL.</summary>
public sealed class MailboxService(MailAccess access)
{
    public async Task<IReadOnlyList<MailboxDto>> ListAsync(Caller caller, string accountId, CancellationToken cancellationToken)
    {
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        var mailboxes = await session.ListMailboxesAsync(cancellationToken);
        return mailboxes.Select(MailboxDto.From).ToList();
    }

    public async Task<MailboxDto> GetAsync(Caller caller, string accountId, string mailboxId, CancellationToken cancellationToken)
    {
        var path = Ids.Mailbox(mailboxId);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        return MailboxDto.From(await session.GetMailboxAsync(path, cancellationToken));
    }

    /// <summary>Creates a mailbox and any missing parents (409 mailbox_exists when it is there already).</summary>
    public async Task<MailboxDto> CreateAsync(Caller caller, string accountId, CreateMailboxRequest request, CancellationToken cancellationToken)
    {
        if (request.Path is not null == (request.Name is not null || request.ParentId is not null))
            throw MailApiException.Validation("Give either path, or name (with an optional parentId).");
        var parent = request.ParentId is null ? null : Ids.Mailbox(request.ParentId);

        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        string path;
        if (request.Path is not null)
        {
            var delimiter = (await session.GetMailboxAsync("INBOX", cancellationToken)).Delimiter;
            MailboxNames.CheckPath(request.Path, delimiter);
            path = request.Path;
        }
        else
        {
            var parentInfo = parent is null ? null : await session.GetMailboxAsync(parent, cancellationToken);
            var delimiter = parentInfo?.Delimiter ?? (await session.GetMailboxAsync("INBOX", cancellationToken)).Delimiter;
            MailboxNames.CheckName(request.Name, delimiter);
            path = parentInfo is null ? request.Name! : $"{parentInfo.Path}{delimiter}{request.Name}";
            MailboxNames.CheckPath(path, delimiter);
        }
        return MailboxDto.From(await session.CreateMailboxAsync(path, cancellationToken));
    }

    /// <summary>Renames (children follow) and/or (un)subscribes; answers the mailbox afterwards (its id changes on rename).</summary>
    public async Task<MailboxDto> UpdateAsync(Caller caller, string accountId, string mailboxId, UpdateMailboxRequest request,
        CancellationToken cancellationToken)
    {
        var path = Ids.Mailbox(mailboxId);
        if (request.Name is not null && request.Path is not null) throw MailApiException.Validation("Give name or path, not both.");
        if (request is { Name: null, Path: null, Subscribed: null }) throw MailApiException.Validation("Nothing to change: give name, path or subscribed.");

        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        var current = await session.GetMailboxAsync(path, cancellationToken);
        string? newPath = null;
        if (request.Path is not null)
        {
            MailboxNames.CheckPath(request.Path, current.Delimiter);
            newPath = request.Path;
        }
        else if (request.Name is not null)
        {
            MailboxNames.CheckName(request.Name, current.Delimiter);
            var cut = current.Delimiter is { } d ? path.LastIndexOf(d) : -1;
            newPath = cut < 0 ? request.Name : path[..(cut + 1)] + request.Name;
            MailboxNames.CheckPath(newPath, current.Delimiter);
        }
        if (newPath == path) newPath = null;
        if (newPath is not null && string.Equals(path, "INBOX", StringComparison.OrdinalIgnoreCase))
            throw MailApiException.MailboxProtected("INBOX cannot be renamed.");
        var updated = await session.UpdateMailboxAsync(path, new MailboxUpdate(newPath, request.Subscribed), cancellationToken);
        return MailboxDto.From(updated);
    }

    public async Task DeleteAsync(Caller caller, string accountId, string mailboxId, CancellationToken cancellationToken)
    {
        var path = Ids.Mailbox(mailboxId);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        try
        {
            await session.DeleteMailboxAsync(path, cancellationToken);
        }
        catch (ImapOperationException)
        {
            // Servers answer a plain NO for a missing mailbox: tell "not found" (404) from a real refusal (422).
            var mailboxes = await session.ListMailboxesAsync(cancellationToken);
            if (!mailboxes.Any(m => m.Path == path)) throw MailApiException.MailboxNotFound();
            throw;
        }
    }
}
