namespace MailGateway.Imap.Caching;

/// <summary>
/// The watcher's side of <see cref="ReadCacheOptions.TrustWatch"/>: after each sync of a mailbox it applies what it
/// learnt (arrivals with their summaries, flag changes, vanished UIDs) to the cached view, and it tells the account's
/// <see cref="WatchFeed"/> which mailboxes it currently vouches for.
/// </summary>
internal sealed class WatchedViews(ReadCache cache, string scope, WatchFeed feed)
{
    public WatchFeed Feed => feed;

    /// <summary>How often the watch must renew IDLE to stay trusted (half the allowed silence).</summary>
    public TimeSpan RenewEvery => cache.WatchMaxSilence / 2;

    /// <summary>Null unless the cache trusts watches.</summary>
    public static WatchedViews? For(ReadCache? cache, ImapAccount account)
    {
        var scope = ReadCache.ScopeOf(account);
        return cache?.FeedFor(scope) is { } feed ? new WatchedViews(cache, scope, feed) : null;
    }

    /// <summary>Brings the mailbox's view from <paramref name="from"/> to <paramref name="to"/> when it is in that range.</summary>
    public void Apply(string mailbox, MailboxState from, MailboxState to, IReadOnlyList<MessageSummary> added,
        IReadOnlyList<FlagChange> flags, IReadOnlySet<uint> removed)
    {
        if (cache.TryGetView(scope, mailbox) is not { } view || view.UidValidity != to.UidValidity) return;
        // Parts first, state last: a reader that sees the new state also sees everything it covers.
        foreach (var summary in added)
        {
            cache.PutSummary(scope, summary);
            view.MergeFlags(summary.Uid, summary.Flags, summary.ModSeq);
        }
        foreach (var change in flags) view.MergeFlags(change.Uid, change.Flags, change.ModSeq);
        view.Advance(from, to, added.Select(a => a.Uid), removed);
    }
}

internal readonly record struct FlagChange(uint Uid, IReadOnlyList<string> Flags, ulong ModSeq);
