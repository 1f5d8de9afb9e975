using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Changes;

/// <summary>Delta sync of one mailbox (shared by REST and GraphQL).</summary>
public sealed class ChangeService(MailAccess access)
{
    public const int DefaultMaxChanges = 500;
    public const int MaxChanges = 5000;

    /// <exception cref="MailApiException">invalid_state (400) for a malformed token or one of another mailbox.</exception>
    /// <exception cref="CannotCalculateChangesException">UIDVALIDITY changed or the state is too old (410).</exception>
    public async Task<ChangesDto> GetChangesAsync(Caller caller, string accountId, string mailboxId, string? since, int? maxChanges,
        CancellationToken cancellationToken)
    {
        var mailbox = Ids.Mailbox(mailboxId);
        if (string.IsNullOrEmpty(since)) throw MailApiException.Validation("since is required: the state of an earlier list or changes answer.");
        var limit = maxChanges ?? DefaultMaxChanges;
        if (limit is < 1 or > MaxChanges) throw MailApiException.Validation($"maxChanges must be between 1 and {MaxChanges}.");
        var state = StateToken.Parse(since, mailbox);

        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        var changes = await session.GetChangesAsync(mailbox, state, limit, cancellationToken);
        var validity = changes.NewState.UidValidity;
        List<string> ToIds(IReadOnlyList<uint> uids) => uids.Select(uid => ResourceIds.Message(new MessageRef(mailbox, validity, uid))).ToList();
        return new ChangesDto(StateToken.Encode(mailbox, changes.NewState), ToIds(changes.Created), ToIds(changes.Updated),
            ToIds(changes.Destroyed), changes.HasMore);
    }

    /// <summary>The current state token of a mailbox, to start syncing from now.</summary>
    public async Task<string> GetStateAsync(Caller caller, string accountId, string mailboxId, CancellationToken cancellationToken)
    {
        var mailbox = Ids.Mailbox(mailboxId);
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        return StateToken.Encode(mailbox, await session.GetStateAsync(mailbox, cancellationToken));
    }
}
