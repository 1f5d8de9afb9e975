using MailGateway.Api.Cluster;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Events;

/// <summary>
/// Decides which accounts this instance watches: those with demand anywhere in the cluster that bounded-load
/// rendezvous hashing over the live instances gives to it (<see cref="WatchOwnership"/>), and whose lease it holds.
/// Each pass renews this instance's demand and leases, hands over watches another instance now owns (stop reading,
/// then release the lease, so the new owner starts from the persisted sync state), stops watches that lost demand
/// or lease, and starts watches for its own accounts whose lease it can take. A dead owner's accounts move as soon as
/// its registration expires: their new owners take its leases over; an account nobody takes is taken anyway after a grace (the lease keeps it single)
/// and offered back to its owner two lease TTLs later.
/// </summary>
internal sealed partial class WatchSupervisor(
    IWatchDemand demand,
    IWatchLeases leases,
    IGatewayInstances instances,
    AccountWatchRunner runner,
    EventsTelemetry telemetry,
    ClusterTelemetry cluster,
    IOptions<EventsOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    InstanceIdentity self,
    TimeProvider time,
    ILogger<WatchSupervisor> logger) : BackgroundService
{
    private sealed record Running(CancellationTokenSource Stop, Task Task, DateTimeOffset Started, bool Fallback)
    {
        public DateTimeOffset NextRenew { get; set; }
    }

    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _holdOff = new(StringComparer.Ordinal);
    private DateTimeOffset _nextDemandRenew;

    /// <summary>Accounts this instance watches right now (tests, health, the operator view).</summary>
    public IReadOnlyCollection<string> Watching
    {
        get { lock (_running) return [.. _running.Keys]; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SupervisorInterval, time);
        try
        {
            do
            {
                try { await PassAsync(stoppingToken).ConfigureAwait(false); }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    EventsLog.SupervisorFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            // Leave first, so the others stop counting this instance; then stop reading and release each lease.
            await LeaveAsync().ConfigureAwait(false);
            foreach (var id in Watching) await StopAsync(id, "shutting down", release: true).ConfigureAwait(false);
        }
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        if (demand is RedisWatchDemand shared && now >= _nextDemandRenew)
        {
            await shared.RenewAsync().ConfigureAwait(false);
            _nextDemandRenew = now + o.DemandTtl / 3;
        }
        var wanted = await demand.GetDemandedAccountsAsync(cancellationToken).ConfigureAwait(false);
        var (mine, live) = await OwnedAsync(wanted, cancellationToken).ConfigureAwait(false);

        var renewDue = new List<(string Id, Running Watch)>();
        foreach (var (id, watch) in _running.ToList())
        {
            if (watch.Task.IsCompleted)
            {
                // Account removed or disabled, or a failure the runner gave up on: try again later.
                _holdOff[id] = now + TimeSpan.FromSeconds(watch.Task.IsFaulted ? 5 : 30);
                await StopAsync(id, watch.Task.IsFaulted ? "failed" : "ended", release: true).ConfigureAwait(false);
            }
            else if (!wanted.Contains(id))
            {
                await StopAsync(id, "no subscribers", release: true).ConfigureAwait(false);
            }
            else if (!mine.Contains(id) && (!watch.Fallback || now - watch.Started >= o.LeaseTtl * 2))
            {
                await StopAsync(id, "handed over", release: true).ConfigureAwait(false);
            }
            else if (now >= watch.NextRenew)
            {
                renewDue.Add((id, watch));
            }
        }

        // Renewals and takes go to Redis together (pipelined), not one round trip after another: after a failover an
        // instance takes hundreds of leases in one pass, and a slow pass delays every watch behind it.
        // A call Redis did not answer counts as neither (null): the renewal is tried again next pass.
        var renewed = await Task.WhenAll(renewDue.Select(r => OrUnknownAsync(leases.RenewAsync(r.Id, cancellationToken)))).ConfigureAwait(false);
        for (var i = 0; i < renewDue.Count; i++)
        {
            if (renewed[i] == true) renewDue[i].Watch.NextRenew = now + o.LeaseTtl / 3;
            else if (renewed[i] == false) await StopAsync(renewDue[i].Id, "lease lost", release: false).ConfigureAwait(false);
        }

        var candidates = wanted.Where(id => !_running.ContainsKey(id) && !(_holdOff.TryGetValue(id, out var until) && until > now))
            .Select(id => (Id: id, Own: mine.Contains(id))).Where(c => c.Own || SafetyNetDue(c.Id, now)).ToList();
        var taken = await Task.WhenAll(candidates.Select(c => OrUnknownAsync(TryLeaseAsync(c.Id, c.Own, live, cancellationToken)))).ConfigureAwait(false);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (taken[i] != true) continue;
            var (id, own) = candidates[i];
            var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var task = Task.Run(() => runner.RunAsync(id, stop.Token), CancellationToken.None);
            lock (_running) _running[id] = new Running(stop, task, now, !own) { NextRenew = now + o.LeaseTtl / 3 };
            _holdOff.Remove(id);
            _unowned.Remove(id);
            telemetry.WatcherStarted();
            EventsLog.WatchStarted(logger, id);
        }
        foreach (var id in _unowned.Keys.Where(id => !wanted.Contains(id)).ToList()) _unowned.Remove(id);
    }

    private async Task StopAsync(string accountId, string reason, bool release)
    {
        Running? watch;
        lock (_running)
        {
            if (!_running.Remove(accountId, out watch)) return;
        }
        await watch.Stop.CancelAsync().ConfigureAwait(false);
        try { await watch.Task.ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EventsLog.WatchFailed(logger, accountId, ex);
        }
        catch (OperationCanceledException) { }
        watch.Stop.Dispose();
        telemetry.WatcherStopped();
        EventsLog.WatchStopped(logger, accountId, reason);
        if (release)
        {
            try { await leases.ReleaseAsync(accountId, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException) { } // it expires by itself
        }
    }
}
