using System.Diagnostics;
using System.Globalization;

namespace MailGateway.Testing;

/// <summary>Fault injection against the real servers, by pid: kick a user's IMAP connections, freeze and thaw or
/// kill Dovecot (master and every child) and redis-server. Never a mock.</summary>
public sealed partial class MailEnvironment
{
    /// <summary>redis-server's pid (the wrapper execs, so it is the server itself), or null when it is not running.</summary>
    public int? RedisPid => _redis is { HasExited: false } redis ? redis.Id : null;

    /// <summary>Dovecot's master pid, or null when it is not running.</summary>
    public int? DovecotMasterPid => _dovecot is { HasExited: false } dovecot ? dovecot.Id : null;

    /// <summary>The Dovecot master and all its descendants (imap-login, imap, auth, anvil, log, …).</summary>
    public IReadOnlyList<int> DovecotPids() => DovecotMasterPid is { } master ? [master, .. Descendants(master)] : [];

    /// <summary>Drops every IMAP connection of <paramref name="user"/> on the server (<c>doveadm kick</c>) and waits
    /// until the server no longer lists one.</summary>
    public async Task KickAsync(string user, CancellationToken ct = default)
    {
        var doveadm = ServerProcess.FindExecutable("doveadm", "dovecot-core");
        // Exit code 68 when nothing was connected: the "who" loop below is the check.
        await RunAsync(doveadm, ["-c", DovecotConfigPath, "kick", user], ct, allowFailure: true).ConfigureAwait(false);
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(15))
        {
            var who = await RunAsync(doveadm, ["-c", DovecotConfigPath, "who", "-1", user], ct, allowFailure: true).ConfigureAwait(false);
            if (!who.Split('\n').Any(l => l.StartsWith(user + " ", StringComparison.Ordinal) || l.StartsWith(user + "\t", StringComparison.Ordinal)))
                return;
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }

    /// <summary>SIGSTOP to redis-server: it keeps its connections but answers nothing.</summary>
    public Task FreezeRedisAsync() => SignalAsync("STOP", RedisPid ?? throw new InvalidOperationException("Redis is not running."));

    /// <summary>SIGCONT to redis-server.</summary>
    public Task ThawRedisAsync() => SignalAsync("CONT", RedisPid ?? throw new InvalidOperationException("Redis is not running."));

    /// <summary>SIGKILL to redis-server (no shutdown save; without AOF everything is lost). Start it with <see cref="StartRedisAsync"/>.</summary>
    public async Task KillRedisAsync()
    {
        if (_redis is not { HasExited: false } redis) return;
        await SignalAsync("KILL", redis.Id).ConfigureAwait(false);
        await redis.WaitForExitAsync().ConfigureAwait(false);
        redis.Dispose();
        _redis = null;
    }

    /// <summary>Deletes Redis's data files (AOF directory, RDB) while it is stopped: the next start is a Redis that lost everything.</summary>
    public void DeleteRedisData()
    {
        if (_redis is { HasExited: false }) throw new InvalidOperationException("Stop Redis first.");
        var dir = Path.Combine(Directory, "redis");
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(dir))
        {
            if (System.IO.Directory.Exists(entry)) System.IO.Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    /// <summary>SIGSTOP to the Dovecot master and every child: connections stay open, nothing answers.</summary>
    public async Task FreezeDovecotAsync()
    {
        foreach (var pid in DovecotPids()) await SignalAsync("STOP", pid).ConfigureAwait(false);
    }

    /// <summary>SIGCONT to the Dovecot master and every child.</summary>
    public async Task ThawDovecotAsync()
    {
        foreach (var pid in DovecotPids()) await SignalAsync("CONT", pid).ConfigureAwait(false);
    }

    /// <summary>SIGKILL to the Dovecot master and every child (a crash: no BYE, sockets reset). Start it again with
    /// <see cref="StartDovecotAgainAsync"/>.</summary>
    public async Task KillDovecotAsync()
    {
        var pids = DovecotPids();
        foreach (var pid in pids) await SignalAsync("KILL", pid).ConfigureAwait(false);
        if (_dovecot is { } master)
        {
            await master.WaitForExitAsync().ConfigureAwait(false);
            master.Dispose();
            _dovecot = null;
        }
        // Children die with the signal; give the kernel a moment to release the listening ports.
        var until = Stopwatch.StartNew();
        while (pids.Any(IsAlive) && until.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20).ConfigureAwait(false);
    }

    /// <summary>Starts Dovecot again on the same ports after <see cref="KillDovecotAsync"/>.</summary>
    public Task StartDovecotAgainAsync(CancellationToken ct = default) =>
        _dovecot is { HasExited: false } ? Task.CompletedTask : LaunchDovecotAsync(ct);

    private static bool IsAlive(int pid) => System.IO.Directory.Exists($"/proc/{pid}");

    private static IEnumerable<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var (pid, ppid, _, _) in ProcessTable())
        {
            if (!children.TryGetValue(ppid, out var list)) children[ppid] = list = [];
            list.Add(pid);
        }
        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            if (!children.TryGetValue(parent, out var list)) continue;
            foreach (var child in list)
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>Every process: pid, parent, process group and state, from /proc/PID/stat.</summary>
    private static IEnumerable<(int Pid, int Parent, int Group, string State)> ProcessTable()
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // the process ended meanwhile
            // "pid (comm) state ppid pgrp …"; comm may contain spaces, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            yield return (pid, int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture), fields[0]);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>, or to every member of its process group.</summary>
    private static async Task SignalAsync(string signal, int pid, bool wholeGroup = false)
    {
        var target = (wholeGroup ? -pid : pid).ToString(CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", [$"-{signal}", "--", target])!;
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }

    private static async Task<string> RunAsync(string exe, string[] args, CancellationToken ct, bool allowFailure = false)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0 && !allowFailure)
            throw new InvalidOperationException($"{Path.GetFileName(exe)} {string.Join(' ', args)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)}");
        return await output.ConfigureAwait(false);
    }
}
