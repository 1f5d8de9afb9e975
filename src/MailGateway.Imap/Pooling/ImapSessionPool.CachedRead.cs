using MailGateway.Imap.Caching;
using MailGateway.Imap.Session;

namespace MailGateway.Imap.Pooling;

/// <summary>
/// Reading one message through the pool: a body this instance has cached needs only its flags proven, and concurrent
/// reads of one mailbox share that proof (<see cref="FlagProofBatches"/>). Only the read that runs a proof takes a
/// lease; the others wait for its answer without one, so they neither queue at the account's gate nor send a command.
/// </summary>
internal sealed partial class ImapSessionPool
{
    internal FlagProofBatches FlagProofs { get; } = new();

    public async Task<MessageDetail> GetMessageAsync(ImapAccount account, MessageRef message, bool sanitizeHtml = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var scope = ReadCache.ScopeOf(account);
        if (Cache is { Enabled: true } cache && cache.TryGetBody(scope, message, sanitizeHtml, out var detail))
        {
            MailboxPaths.Validate(message.Mailbox);
            if (ImapSession.WatchedFlags(cache, scope, message) is { } watched) return detail with { Summary = detail.Summary with { Flags = watched.Flags, ModSeq = watched.ModSeq } };
            var flags = await FlagProofs.ProveAsync(scope, message.Mailbox, message.UidValidity, message.Uid, async (uids, ct) =>
            {
                await using var lease = (ImapSession)await RentAsync(account, ct).ConfigureAwait(false);
                return await lease.ProveCachedFlagsAsync(message.Mailbox, message.UidValidity, uids, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false) ?? throw new MessageNotFoundException();
            return detail with { Summary = detail.Summary with { Flags = flags.Flags, ModSeq = flags.ModSeq } };
        }
        await using var session = (ImapSession)await RentAsync(account, cancellationToken).ConfigureAwait(false);
        return await session.GetMessageAfterLocalMissAsync(message, sanitizeHtml, cancellationToken).ConfigureAwait(false);
    }
}
