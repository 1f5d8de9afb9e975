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
        await SignalGroupAsync("KILL", master.Id).ConfigureAwait(false);
        foreach (var pid in pids) await SignalAsync("KILL", pid).ConfigureAwait(false);
        await master.WaitForExitAsync().ConfigureAwait(false);
        master.Dispose();
        _cyrus = null;
        var until = System.Diagnostics.Stopwatch.StartNew();
        while ((pids.Any(IsAlive) || GroupMembers(pids[0]).Any()) && until.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20).ConfigureAwait(false);
    }

    private static async Task SignalGroupAsync(string signal, int processGroup)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", "--", $"-{processGroup}"])!;
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Live processes whose process group is <paramref name="processGroup"/> (/proc/PID/stat field 5).</summary>
    private static IEnumerable<int> GroupMembers(int processGroup)
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // ended meanwhile
            // "pid (comm) state ppid pgrp …": parse after the last ')' (comm may contain spaces).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 2 && fields[0] != "Z" && fields[2] == processGroup.ToString(System.Globalization.CultureInfo.InvariantCulture)) yield return pid;
        }
    }

    /// <summary>Starts Cyrus again on the same ports with the same mail after <see cref="KillCyrusAsync"/>.</summary>
    public Task StartCyrusAgainAsync(CancellationToken ct = default) =>
        _cyrus is { HasExited: false } ? Task.CompletedTask : LaunchCyrusAsync(ct);
}
