namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>SIGKILL to the Cyrus master and every child (a crash: no BYE, sockets reset). Start it again with
    /// <see cref="StartCyrusAgainAsync"/>. The master leads a process group of its own (see LaunchCyrusAsync), so the
    /// whole group is killed at once: a child the master forks while the children are being listed would otherwise
    /// survive, orphaned, holding the listening sockets the restarted master needs.</summary>
    public async Task KillCyrusAsync()
    {
        if (_cyrus is not { HasExited: false } master) return;
        var pids = new List<int> { master.Id };
        pids.AddRange(Descendants(master.Id));
        await SignalAsync("KILL", master.Id, wholeGroup: true).ConfigureAwait(false);
        foreach (var pid in pids) await SignalAsync("KILL", pid).ConfigureAwait(false);
        await master.WaitForExitAsync().ConfigureAwait(false);
        master.Dispose();
        _cyrus = null;
        var until = System.Diagnostics.Stopwatch.StartNew();
        while ((pids.Any(IsAlive) || ProcessTable().Any(p => p.Group == pids[0] && p.State != "Z")) && until.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20).ConfigureAwait(false);
    }

    /// <summary>Starts Cyrus again on the same ports with the same mail after <see cref="KillCyrusAsync"/>.</summary>
    public Task StartCyrusAgainAsync(CancellationToken ct = default) =>
        _cyrus is { HasExited: false } ? Task.CompletedTask : LaunchCyrusAsync(ct);
}
