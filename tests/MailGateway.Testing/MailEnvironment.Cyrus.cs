using System.Diagnostics;
using System.Globalization;

namespace MailGateway.Testing;

/// <summary>
/// The Cyrus 3.6 variant (<see cref="MailEnvironmentOptions.Server"/> = <see cref="MailServerKind.Cyrus"/>): master,
/// idled and imapd run from <c>DIR/cyrus</c> on the same <see cref="ImapPort"/>/<see cref="ImapsPort"/> contract, with
/// the same users and passwords (sasldb) and the same TLS files. Root starts master, which drops to <c>cyrus:mail</c>.
/// </summary>
public sealed partial class MailEnvironment
{
    private Process? _cyrus;

    /// <summary>Which server this environment runs.</summary>
    public MailServerKind Server => _options.Server;

    /// <summary>The Cyrus instance directory (config, spool, sasldb), null for Dovecot.</summary>
    public string? CyrusDirectory => Server == MailServerKind.Cyrus ? Path.Combine(Directory, "cyrus") : null;

    /// <summary>Stops Cyrus (sessions see EOF) and starts it again on the same ports with the same mail.</summary>
    public async Task RestartCyrusAsync(CancellationToken ct = default)
    {
        await ServerProcess.StopAsync(_cyrus, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _cyrus = null;
        await LaunchCyrusAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Restarts whichever IMAP server this environment runs (same ports, same mail).</summary>
    public Task RestartImapServerAsync(CancellationToken ct = default) =>
        Server == MailServerKind.Cyrus ? RestartCyrusAsync(ct) : RestartDovecotAsync(ct);

    /// <summary>Ends every Cyrus session of <paramref name="user"/> (SIGTERM to its imapd processes); returns how many.</summary>
    public int KickCyrusSessions(string user)
    {
        var proc = Path.Combine(CyrusDirectory ?? throw new InvalidOperationException("Not a Cyrus environment."), "conf", "proc");
        var kicked = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(proc))
        {
            string[] fields;
            try
            {
                fields = File.ReadAllText(file).Split('\t');
            }
            catch (IOException)
            {
                continue; // the session just ended
            }
            if (fields.Length >= 3 && string.Equals(fields[2].Trim(), user, StringComparison.OrdinalIgnoreCase)
                && int.TryParse(Path.GetFileName(file), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                CyrusPackage.Run("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], null, allowFailure: true);
                kicked++;
            }
        }
        return kicked;
    }

    private async Task StartCyrusCoreAsync(CancellationToken ct)
    {
        var package = CyrusPackage.EnsureExtracted();
        var dir = CyrusDirectory!;
        foreach (var sub in CyrusConfig.ConfigSubdirectories)
            System.IO.Directory.CreateDirectory(Path.Combine(dir, "conf", sub));
        foreach (var sub in new[] { "spool", "run", "log", "tls" })
            System.IO.Directory.CreateDirectory(Path.Combine(dir, sub));
        foreach (var file in new[] { "ca.crt", "server-chain.crt", "server.key" })
            File.Copy(Path.Combine(Directory, "tls", file), Path.Combine(dir, "tls", file), overwrite: true);

        var (user, group) = ServerProcess.IsRoot ? ("cyrus", "mail") : (_account.User, _account.Group);
        ImapPort = _options.ImapPort != 0 ? _options.ImapPort : ServerProcess.FreePort();
        ImapsPort = _options.ImapsPort != 0 ? _options.ImapsPort : ServerProcess.FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "imapd.conf"), CyrusConfig.RenderImapd(dir, user, group, ImapPort), ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(dir, "cyrus.conf"), CyrusConfig.RenderMaster(dir, package, ImapPort, ImapsPort), ct).ConfigureAwait(false);
        WriteCyrusUsers(dir);
        if (ServerProcess.IsRoot)
            CyrusPackage.Run("chown", ["-R", $"{user}:{group}", dir], null);
        await LaunchCyrusAsync(ct).ConfigureAwait(false);
    }

    private void WriteCyrusUsers(string dir)
    {
        var sasldb = Path.Combine(dir, "sasldb2");
        var saslpasswd = ServerProcess.FindExecutable("saslpasswd2", "sasl2-bin");
        foreach (var user in Users)
            CyrusPackage.Run(saslpasswd, ["-p", "-c", "-f", sasldb, "-u", CyrusConfig.ServerName, user], null, stdin: CurrentPasswordOf(user));
    }

    private async Task LaunchCyrusAsync(CancellationToken ct)
    {
        var dir = CyrusDirectory!;
        File.Delete(Path.Combine(dir, "run", "master.pid"));
        // Root: master itself drops to cyrus_user, so it is started without setpriv. In a session (and process group) of
        // its own: a master shutting down signals its whole process group, which was the test run's, so stopping one
        // test's private Cyrus also stopped the shared one (seen in syslog: "graceful shutdown initiated by unexpected
        // process <the other master>"). setsid execs in place (the wrapper is no group leader), so the pid stays master's.
        _cyrus = ServerProcess.Start(ServerProcess.FindExecutable("setsid", "util-linux"),
            [CyrusPackage.MasterPath, "-C", Path.Combine(dir, "imapd.conf"), "-M", Path.Combine(dir, "cyrus.conf"), "-p", Path.Combine(dir, "run", "master.pid")],
            ServerProcess.IsRoot ? null : _account, Path.Combine(dir, "log", "master.log"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.StartTimeout);
        try
        {
            await WaitForGreetingAsync(ImapPort, tls: false, timeout.Token).ConfigureAwait(false);
            await WaitForGreetingAsync(ImapsPort, tls: true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Cyrus did not answer within {_options.StartTimeout}: {ReadTail(Path.Combine(dir, "log", "master.log"))}");
        }
    }
}
