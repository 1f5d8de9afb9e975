namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>SIGKILL to the Cyrus master and every child (a crash: no BYE, sockets reset). Start it again with
    /// <see cref="StartCyrusAgainAsync"/>.</summary>
    public async Task KillCyrusAsync()
    {
        if (_cyrus is not { HasExited: false } master) return;
        var pids = new List<int> { master.Id };
        pids.AddRange(Descendants(master.Id));
        foreach (var pid in pids) await SignalAsync("KILL", pid).ConfigureAwait(false);
        await master.WaitForExitAsync().ConfigureAwait(false);
        master.Dispose();
        _cyrus = null;
        var until = System.Diagnostics.Stopwatch.StartNew();
        while (pids.Any(IsAlive) && until.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20).ConfigureAwait(false);
    }

    /// <summary>Starts Cyrus again on the same ports with the same mail after <see cref="KillCyrusAsync"/>.</summary>
    public Task StartCyrusAgainAsync(CancellationToken ct = default) =>
        _cyrus is { HasExited: false } ? Task.CompletedTask : LaunchCyrusAsync(ct);
}
