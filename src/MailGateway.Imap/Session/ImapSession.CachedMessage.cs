using MailGateway.Imap.Caching;

namespace MailGateway.Imap.Session;

/// <summary>
/// Message bodies from the read cache. The decoded body (headers, text, HTML, attachment list) never changes for a
/// (mailbox, UIDVALIDITY, UID); what can change is whether the message still exists and its flags. A hit costs
/// one round trip on a connection that has the mailbox selected (<see cref="ProveFlagsAsync"/>), instead of the
/// summary, header and body-part fetches of a miss.
/// </summary>
internal sealed partial class ImapSession
{
    /// <summary>Set for one read: the pool looked the body up in this instance's cache already (one miss counted).</summary>
    private bool _localBodyMissed;

    /// <summary>The flags of cached messages, for the pool's shared proof (<see cref="Pooling.ImapSessionPool.GetMessageAsync"/>).</summary>
    internal Task<IReadOnlyDictionary<uint, FlagEntry>> ProveCachedFlagsAsync(string mailbox, uint uidValidity, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<uint, FlagEntry>>(async () => await ProveFlagsAsync(mailbox, uidValidity, uids, cancellationToken).ConfigureAwait(false));

    /// <summary><see cref="GetMessageAsync"/> after the pool found no body in this instance's cache (the shared one may have it).</summary>
    internal Task<MessageDetail> GetMessageAfterLocalMissAsync(MessageRef message, bool sanitizeHtml, CancellationToken cancellationToken)
    {
        _localBodyMissed = true;
        return GetMessageAsync(message, sanitizeHtml, cancellationToken);
    }

    /// <returns>The message, or null on a cache miss.</returns>
    private async Task<MessageDetail?> CachedMessageAsync(MessageRef message, bool sanitizeHtml, CancellationToken cancellationToken)
    {
        if (Cache is not { } cache) return null;
        var missed = _localBodyMissed;
        _localBodyMissed = false;
        if (missed || !cache.TryGetBody(CacheScope, message, sanitizeHtml, out var detail))
        {
            // Another instance may have decoded it (Imap:Cache:Shared); freshness is proven below as for a local hit.
            if (await cache.LoadSharedBodyAsync(CacheScope, message, sanitizeHtml, cancellationToken).ConfigureAwait(false) is not { } shared) return null;
            detail = shared;
        }
        if (WatchedFlags(message) is { } watched) return detail with { Summary = detail.Summary with { Flags = watched.Flags, ModSeq = watched.ModSeq } };
        var proven = await ProveFlagsAsync(message.Mailbox, message.UidValidity, [message.Uid], cancellationToken).ConfigureAwait(false);
        if (!proven.TryGetValue(message.Uid, out var current)) throw new MessageNotFoundException();
        return detail with { Summary = detail.Summary with { Flags = current.Flags, ModSeq = current.ModSeq } };
    }

    private MessageDetail RememberBody(MessageRef message, bool sanitizeHtml, MessageDetail detail)
    {
        if (Cache is not { } cache) return detail;
        cache.PutBody(CacheScope, message, sanitizeHtml, detail);
        cache.ShareBody(CacheScope, message, sanitizeHtml, detail);
        return detail;
    }
}
