namespace MailGateway.Imap.Caching;

/// <summary>
/// What one account's watch vouches for (used only when <see cref="ReadCacheOptions.TrustWatch"/> is on): per mailbox,
/// the state up to which the watcher applied every change to the cached <see cref="MailboxView"/>. A mailbox is live
/// only while (a) the watch connection is up and was heard from within <see cref="ReadCacheOptions.WatchMaxSilence"/>,
/// (b) no notification for it arrived since the watcher's last sync, and (c) the view sits at exactly that state.
/// Any notification, a reconnect or the end of the watch drops liveness at once; reads then prove freshness with
/// one command again (see <c>ImapSession.WatchedRead.cs</c>).
/// </summary>
internal sealed class WatchFeed
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MailboxState> _live = new(StringComparer.Ordinal);
    private long _sequence;
    private long _heardAt;

    /// <summary>Bumped by every notification; a sync that started before a bump must not mark anything live.</summary>
    public long Sequence
    {
        get { lock (_lock) return _sequence; }
    }

    /// <summary>A notification for <paramref name="mailbox"/> (null: the mailbox list) arrived: not live until synced.</summary>
    public void Invalidate(string? mailbox)
    {
        lock (_lock)
        {
            _sequence++;
            if (mailbox is null) _live.Clear();
            else _live.Remove(mailbox);
        }
    }

    /// <summary>After a sync that began at <paramref name="sequence"/>: the mailboxes not in <paramref name="pending"/>
    /// are current at their state, unless a notification came in meanwhile (then false: drain and try again). Also
    /// records that the server answered.</summary>
    public bool MarkCurrent(long sequence, IReadOnlyDictionary<string, MailboxState> states, IReadOnlySet<string> pending)
    {
        lock (_lock)
        {
            _heardAt = Environment.TickCount64;
            if (sequence != _sequence) return false;
            _live.Clear();
            foreach (var (path, state) in states)
                if (!pending.Contains(path)) _live[path] = state;
            return true;
        }
    }

    /// <summary>The watch ended or reconnects: nothing is vouched for until the next sync.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _sequence++;
            _live.Clear();
            _heardAt = 0;
        }
    }

    public bool TryGetLive(string mailbox, TimeSpan maxSilence, out MailboxState state)
    {
        lock (_lock)
        {
            if (_heardAt != 0 && Environment.TickCount64 - _heardAt <= (long)maxSilence.TotalMilliseconds)
                return _live.TryGetValue(mailbox, out state);
        }
        state = default;
        return false;
    }
}
