using System.Diagnostics;
using System.Globalization;

namespace MailGateway.Testing;

/// <summary>Starting, signalling and finding the accounts for the child servers.</summary>
internal static class ServerProcess
{
    public static bool IsRoot => ReadStatusId("Uid:") == 0;

    /// <summary>Root: the <c>dovecot</c> account (else <c>nobody</c>), started via setpriv. Otherwise the current account.</summary>
    public static RunAs ResolveAccount()
    {
        if (IsRoot)
        {
            var entry = FindPasswd("dovecot") ?? FindPasswd("nobody")
                ?? throw new InvalidOperationException("Neither a 'dovecot' nor a 'nobody' account exists to run the test servers as.");
            return new RunAs(entry.Name, FindGroupName(entry.Gid) ?? entry.Name, entry.Uid, entry.Gid);
        }
        var uid = ReadStatusId("Uid:");
        var gid = ReadStatusId("Gid:");
        var name = FindPasswd(uid)?.Name ?? Environment.UserName;
        return new RunAs(name, FindGroupName(gid) ?? name, uid, gid);
    }

    public static string FindExecutable(string name, string package)
    {
        string[] dirs = [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries), "/usr/sbin", "/usr/bin", "/sbin"];
        foreach (var dir in dirs)
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        throw new InvalidOperationException(
            $"'{name}' was not found. Install it first: apt-get install {package} (the tests start a private {name}; ./build.sh test installs it when run as root).");
    }

    // Raises the fd limit (one fd per IMAP session and more), sends output to a log file, and leaves a detached
    // watchdog that sends SIGTERM to the server if this (test) process dies without disposing the environment,
    // so a killed test run does not leave Dovecot and Redis behind. `exec` keeps the pid, so $$ is the server.
    private const string Wrapper = """
        ulimit -n "$(ulimit -Hn)" 2>/dev/null
        out="$1"; parent="$2"; shift 2; me=$$
        ( (while kill -0 "$parent" 2>/dev/null && kill -0 "$me" 2>/dev/null; do sleep 1; done
           kill -0 "$parent" 2>/dev/null || kill -TERM "$me" 2>/dev/null) </dev/null >/dev/null 2>&1 & )
        exec "$@" >>"$out" 2>&1 </dev/null
        """;

    /// <summary>Starts <paramref name="exe"/> (as the run-as account when root; null = as is) with a raised fd limit and output into a log file.</summary>
    public static Process Start(string exe, IEnumerable<string> args, RunAs? account, string outputLog)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // ulimit -n up to the hard limit: one fd per IMAP session and more.
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Wrapper);
        info.ArgumentList.Add("mailenv");
        info.ArgumentList.Add(outputLog);
        info.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (IsRoot && account is { } runAs)
        {
            info.ArgumentList.Add(FindExecutable("setpriv", "util-linux"));
            info.ArgumentList.Add($"--reuid={runAs.Uid.ToString(CultureInfo.InvariantCulture)}");
            info.ArgumentList.Add($"--regid={runAs.Gid.ToString(CultureInfo.InvariantCulture)}");
            info.ArgumentList.Add("--clear-groups");
            info.ArgumentList.Add("--");
        }
        info.ArgumentList.Add(exe);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {exe}.");
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(Process? process, TimeSpan grace)
    {
        if (process is null)
            return;
        try
        {
            if (!process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                    await kill.WaitForExitAsync().ConfigureAwait(false);
                using var timeout = new CancellationTokenSource(grace);
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    public static int FreePort() => FreePorts.Next();

    /// <summary>Makes <paramref name="dir"/> and everything in it owned by the run-as account (root only).</summary>
    public static void ChownTree(string dir, RunAs account)
    {
        if (!IsRoot)
            return;
        using var chown = Process.Start("chown", ["-R", $"{account.Uid}:{account.Gid}", dir])!;
        chown.WaitForExit();
        if (chown.ExitCode != 0)
            throw new InvalidOperationException($"chown -R {account.User} {dir} failed.");
    }

    /// <summary>The run-as account must be able to reach <paramref name="dir"/>: every parent needs o+x.</summary>
    public static void CheckTraversable(string dir)
    {
        if (!IsRoot || OperatingSystem.IsWindows())
            return;
        for (var parent = Path.GetDirectoryName(dir); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if ((File.GetUnixFileMode(parent) & UnixFileMode.OtherExecute) == 0)
                throw new InvalidOperationException(
                    $"{dir} is not reachable for the dovecot account because {parent} is not world-traversable; use a directory outside it (e.g. under /tmp).");
        }
    }

    private static int ReadStatusId(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
                return int.Parse(line[key.Length..].Trim().Split('\t', ' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("Cannot read the process ids from /proc/self/status.");
    }

    private sealed record PasswdEntry(string Name, int Uid, int Gid);

    private static PasswdEntry? FindPasswd(string name) => ReadPasswd().FirstOrDefault(e => e.Name == name);

    private static PasswdEntry? FindPasswd(int uid) => ReadPasswd().FirstOrDefault(e => e.Uid == uid);

    private static IEnumerable<PasswdEntry> ReadPasswd() =>
        File.ReadLines("/etc/passwd").Select(l => l.Split(':')).Where(f => f.Length >= 4)
            .Select(f => new PasswdEntry(f[0], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture)));

    private static string? FindGroupName(int gid) =>
        File.ReadLines("/etc/group").Select(l => l.Split(':'))
            .FirstOrDefault(f => f.Length >= 3 && f[2] == gid.ToString(CultureInfo.InvariantCulture))?[0];
}
