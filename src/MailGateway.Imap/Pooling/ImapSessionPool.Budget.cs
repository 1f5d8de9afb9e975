using System.Collections.Concurrent;

namespace MailGateway.Imap.Pooling;

/// <summary>The limits beyond one account's pool: the cluster-wide budget (<see cref="IImapConnectionBudget"/>) and
/// each user's share of <see cref="ImapOptions.MaxConnections"/> (<see cref="ImapOptions.UserConnectionShare"/>), so one
/// user with many accounts on a slow server cannot take every connection of the instance.</summary>
internal sealed partial class ImapSessionPool
{
    private readonly ConcurrentDictionary<string, int> _userOpen = new(StringComparer.Ordinal);

    /// <summary>Connections one user may hold on this instance.</summary>
    internal int UserCap => Math.Max(_options.MaxConnectionsPerAccount,
        (int)Math.Floor(_options.MaxConnections * Math.Clamp(_options.UserConnectionShare, 0, 1)));

    /// <summary>Waits (up to <see cref="ImapOptions.LeaseTimeout"/>) for a cluster-wide permit; 503 with Retry-After when none comes.</summary>
    private async Task<IAsyncDisposable> AcquirePermitAsync(ImapAccount account, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.LeaseTimeout;
        var delay = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            if (await _budget.TryAcquireAsync(account, cancellationToken).ConfigureAwait(false) is { } permit) return permit;
            if (_time.GetUtcNow() + delay >= deadline)
                throw new ImapUnavailableException("The cluster-wide IMAP connection budget of this account or its server is in use.", TimeSpan.FromSeconds(5));
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(400).Ticks));
        }
    }

    /// <summary>Counts a connection against its user's share; at the cap, closes a free connection of another of the
    /// user's accounts, else refuses with 503 (other users keep working).</summary>
    private void ReserveUserSlot(AccountPool requester, string? owner)
    {
        if (owner is null) return;
        while (true)
        {
            var open = _userOpen.GetOrAdd(owner, 0);
            if (open < UserCap)
            {
                if (_userOpen.TryUpdate(owner, open + 1, open)) return;
                continue;
            }
            if (!EvictOldestIdle(requester, owner))
                throw new ImapUnavailableException("This user's share of the gateway's IMAP connections is in use.", TimeSpan.FromSeconds(5));
        }
    }

    private void ReleaseUserSlot(string? owner)
    {
        if (owner is not null) _userOpen.AddOrUpdate(owner, 0, (_, n) => Math.Max(0, n - 1));
    }

    /// <summary>Another instance waits for this account's budget: give back the free connections.</summary>
    private void OnContended(string accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var pool)) return;
        List<PooledConnection> closing;
        lock (pool.Lock)
        {
            closing = [.. pool.Idle];
            pool.Idle.Clear();
        }
        foreach (var connection in closing) Discard(pool, connection, "budget wanted elsewhere", null);
    }
}
