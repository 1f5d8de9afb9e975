using MailGateway.Imap.Caching;

namespace MailGateway.Imap.Session;

/// <summary>
/// Reads with no IMAP command at all (<c>Imap:Cache:TrustWatch</c>): while this instance's watch of the account
/// vouches for a mailbox (<see cref="WatchFeed"/>), its cached view is what the server last announced, so an
/// unfiltered page, or the flags of a cached body, come from memory. No connection is bound. Anything missing from
/// memory, or a mailbox the watch does not vouch for right now, takes the proven path (one STATUS or NOOP).
/// </summary>
internal sealed partial class ImapSession
{
    /// <returns>The page, or null when memory alone cannot answer it.</returns>
    private MessagePage? WatchedPage(string mailbox, MessageQuery query, int limit)
    {
        if (Cache is not { } cache || !SearchBuilder.IsUnfiltered(query) || LiveView(cache, mailbox) is not { } live) return null;
        var (first, wanted) = Slice(live.Uids, query, limit);
        var items = new List<MessageSummary>(wanted.Length);
        foreach (var uid in wanted)
        {
            if (!cache.TryGetSummary(CacheScope, mailbox, live.State.UidValidity, uid, out var summary) || !live.View.TryGetFlags(uid, out var flags)) return null;
            items.Add(summary with { Flags = flags.Flags, ModSeq = flags.ModSeq });
        }
        cache.WatchedHit();
        var next = first > 0 && items.Count > 0 ? items[^1].Uid : (uint?)null;
        return new MessagePage(items, next, live.State);
    }

    /// <returns>The current flags of a message the watched view holds; null when the view cannot say.</returns>
    private FlagEntry? WatchedFlags(MessageRef message) => Cache is { } cache ? WatchedFlags(cache, CacheScope, message) : null;

    /// <inheritdoc cref="WatchedFlags(MessageRef)"/>
    internal static FlagEntry? WatchedFlags(ReadCache cache, string scope, MessageRef message)
    {
        if (LiveView(cache, scope, message.Mailbox) is not { } live || live.State.UidValidity != message.UidValidity) return null;
        if (Array.BinarySearch(live.Uids, message.Uid) < 0 || !live.View.TryGetFlags(message.Uid, out var flags)) return null;
        cache.WatchedHit();
        return flags;
    }

    private (MailboxState State, MailboxView View, uint[] Uids)? LiveView(ReadCache cache, string mailbox) => LiveView(cache, CacheScope, mailbox);

    private static (MailboxState State, MailboxView View, uint[] Uids)? LiveView(ReadCache cache, string scope, string mailbox) =>
        cache.TryGetLiveState(scope, mailbox, out var state) && cache.TryGetView(scope, mailbox) is { } view &&
        view.UidValidity == state.UidValidity && view.UidsAt(state) is { } uids
            ? (state, view, uids)
            : null;
}
