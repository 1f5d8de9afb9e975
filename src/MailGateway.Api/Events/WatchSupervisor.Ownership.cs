using MailGateway.Api.Cluster;

namespace MailGateway.Api.Events;

internal sealed partial class WatchSupervisor
{
    /// <summary>Since when a wanted account has been neither watched here nor assigned here (safety-net clock).</summary>
    private readonly Dictionary<string, DateTimeOffset> _unowned = new(StringComparer.Ordinal);

    /// <summary>The wanted accounts this instance owns among the live instances.
    /// When the registry is unreachable, this instance keeps what it has and takes nothing new from others.</summary>
    private async Task<IReadOnlySet<string>> OwnedAsync(IReadOnlySet<string> wanted, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> live;
        try
        {
            live = await instances.LiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            lock (_running) return _running.Keys.ToHashSet(StringComparer.Ordinal);
        }
        cluster.LiveInstances(live.Count);
        var owners = WatchOwnership.Assign(wanted, live, clusterOptions.Value.OwnershipSlack);
        return owners.Where(p => p.Value == self.Id).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
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
