using MailGateway.Imap.Telemetry;

namespace MailGateway.Imap.Pooling;

internal sealed partial class ImapSessionPool
{
    /// <summary>Counts a new connection against <see cref="ImapOptions.MaxConnections"/>; at the cap, closes the
    /// longest-unused free connection of any account, else refuses with 503 rather than queueing across accounts.</summary>
    private void ReserveGlobalSlot(AccountPool requester)
    {
        while (true)
        {
            var open = Volatile.Read(ref _globalOpen);
            if (open < _options.MaxConnections)
            {
                if (Interlocked.CompareExchange(ref _globalOpen, open + 1, open) == open) return;
                continue;
            }
            if (!EvictOldestIdle(requester))
                throw new ImapUnavailableException("The gateway's IMAP connection limit is reached.", TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Closes the longest-unused free connection (of <paramref name="owner"/>'s accounts only, when given).</summary>
    private bool EvictOldestIdle(AccountPool requester, string? owner = null)
    {
        (AccountPool Pool, PooledConnection Connection)? oldest = null;
        foreach (var pool in _accounts.Values)
        {
            lock (pool.Lock)
            {
                foreach (var c in pool.Idle)
                    if ((owner is null || c.Owner == owner) && (oldest is null || c.LastUsed < oldest.Value.Connection.LastUsed)) oldest = (pool, c);
            }
        }
        if (oldest is not { } victim) return false;
        lock (victim.Pool.Lock)
        {
            if (!victim.Pool.Idle.Remove(victim.Connection)) return true; // someone took it; try again
        }
        Discard(victim.Pool, victim.Connection, ReferenceEquals(victim.Pool, requester) ? "replaced" : "global limit", null);
        return true;
    }

    /// <summary>Closes free connections unused for longer than <see cref="ImapOptions.IdleTimeout"/>.</summary>
    internal int EvictIdle()
    {
        var cutoff = _time.GetUtcNow() - _options.IdleTimeout;
        var evicted = 0;
        foreach (var pool in _accounts.Values)
        {
            List<PooledConnection> closing;
            lock (pool.Lock)
            {
                closing = pool.Idle.Where(c => c.LastUsed <= cutoff).ToList();
                pool.Idle.RemoveAll(c => c.LastUsed <= cutoff);
            }
            foreach (var connection in closing) Discard(pool, connection, "idle", null);
            evicted += closing.Count;
        }
        if (evicted > 0) ImapLog.IdleEvicted(_logger, evicted);
        return evicted;
    }
}
