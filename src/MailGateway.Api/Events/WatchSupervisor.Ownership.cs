using MailGateway.Api.Cluster;

namespace MailGateway.Api.Events;

internal sealed partial class WatchSupervisor
{
    /// <summary>Since when a wanted account has been neither watched here nor assigned here (safety-net clock).</summary>
    private readonly Dictionary<string, DateTimeOffset> _unowned = new(StringComparer.Ordinal);

    /// <summary>The wanted accounts this instance owns among the live instances, and those instances.
    /// When the registry is unreachable, this instance keeps what it has and takes nothing new from others (Live null).</summary>
    private async Task<(IReadOnlySet<string> Mine, IReadOnlyList<string>? Live)> OwnedAsync(IReadOnlySet<string> wanted, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> live;
        try
        {
            live = await instances.LiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            lock (_running) return (_running.Keys.ToHashSet(StringComparer.Ordinal), null);
        }
        cluster.LiveInstances(live.Count);
        var owners = WatchOwnership.Assign(wanted, live, clusterOptions.Value.OwnershipSlack);
        return (owners.Where(p => p.Value == self.Id).Select(p => p.Key).ToHashSet(StringComparer.Ordinal), live);
    }

    /// <summary>Takes the lease of an account. Its owner also takes it from a holder that is no longer a live instance
    /// (killed or frozen: its registration expired) instead of waiting for the lease to expire; a frozen holder that
    /// comes back fails its next renewal and stops. Anyone else only takes a free lease.</summary>
    private async Task<bool> TryLeaseAsync(string accountId, bool own, IReadOnlyList<string>? live, CancellationToken cancellationToken)
    {
        if (!own || live is null) return await leases.TryAcquireAsync(accountId, cancellationToken).ConfigureAwait(false);
        var previous = await leases.TryTakeOverAsync(accountId, live, cancellationToken).ConfigureAwait(false);
        if (previous is { Length: > 0 } && previous != self.Id) ClusterLog.LeaseTakenOver(logger, accountId, previous);
        return previous is not null;
    }

    /// <summary>True when another instance should have taken the account long ago (two lease TTLs): try the lease.
    /// A failed try restarts the clock, so a healthy owner costs one SET NX per account every two TTLs.</summary>
    private bool SafetyNetDue(string accountId, DateTimeOffset now)
    {
        if (!_unowned.TryGetValue(accountId, out var since))
        {
            _unowned[accountId] = now;
            return false;
        }
        if (now - since < options.Value.LeaseTtl * 2) return false;
        _unowned[accountId] = now;
        return true;
    }

    private static async Task<bool?> OrUnknownAsync(Task<bool> call)
    {
        try { return await call.ConfigureAwait(false); }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException) { return null; }
    }

    private async Task LeaveAsync()
    {
        try
        {
            await instances.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
            ClusterLog.Left(logger, self.Id);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            ClusterLog.LeaveFailed(logger, ex);
        }
    }
}
