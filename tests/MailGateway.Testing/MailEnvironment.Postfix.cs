using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MailGateway.Testing;

/// <summary>A private Postfix (submission with STARTTLS + SASL through Dovecot's auth socket) delivering over Dovecot LMTP
/// into the same mailboxes IMAP reads. Started when <see cref="MailEnvironmentOptions.StartPostfix"/> is set (root only).
/// Facts and pitfalls: README.md of this project, "Postfix".</summary>
public sealed partial class MailEnvironment
{
    private bool _postfixRunning;

    /// <summary>Submission listener (STARTTLS required, then AUTH); 0 when Postfix was not started.</summary>
    public int SmtpPort { get; private set; }
    /// <summary>Implicit-TLS submission listener (port 465 style).</summary>
    public int SmtpsPort { get; private set; }
    public string PostfixDirectory => Path.Combine(Directory, "postfix");
    public string PostfixConfigDirectory => Path.Combine(PostfixDirectory, "etc");
    public string PostfixLogPath => Path.Combine(PostfixDirectory, "log", "postfix.log");

    /// <summary>The address Postfix delivers to <paramref name="user"/>'s INBOX.</summary>
    public static string EmailOf(string user) => $"{user.ToLowerInvariant()}@{PostfixConfig.Domain}";

    /// <summary>The pid of the Postfix master (its children share its process group), 0 when not running.</summary>
    public int PostfixMasterPid
    {
        get
        {
            var file = Path.Combine(PostfixDirectory, "spool", "pid", "master.pid");
            return _postfixRunning && File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
    }

    private async Task StartPostfixCoreAsync(CancellationToken ct)
    {
        if (!ServerProcess.IsRoot || OperatingSystem.IsWindows())
            throw new InvalidOperationException("Postfix refuses to run except as root: run the sending tests as root (./build.sh test does).");
        ServerProcess.FindExecutable("postfix", "postfix dovecot-lmtpd");
        // mktemp-style 0700 directories would keep the postfix account out (POSTFIX.md pitfall 2).
        File.SetUnixFileMode(Directory, File.GetUnixFileMode(Directory) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        // A reused directory was chowned to the Dovecot account by Prepare: Postfix recreates its spool with its own owners.
        foreach (var sub in new[] { "spool", "data" })
        {
            if (System.IO.Directory.Exists(Path.Combine(PostfixDirectory, sub)))
                System.IO.Directory.Delete(Path.Combine(PostfixDirectory, sub), recursive: true);
        }
        foreach (var sub in new[] { "etc", "spool", "log" })
            System.IO.Directory.CreateDirectory(Path.Combine(PostfixDirectory, sub));
        SmtpPort = _options.SmtpPort != 0 ? _options.SmtpPort : ServerProcess.FreePort();
        SmtpsPort = _options.SmtpsPort != 0 ? _options.SmtpsPort : ServerProcess.FreePort();
        var mailenv = Directory;
        await File.WriteAllTextAsync(Path.Combine(PostfixConfigDirectory, "main.cf"),
            PostfixConfig.MainCf(mailenv, PostfixDirectory, SmtpPort.ToString(CultureInfo.InvariantCulture)), ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(PostfixConfigDirectory, "master.cf"), PostfixConfig.MasterCf(SmtpPort, SmtpsPort, PostfixDirectory), ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(PostfixConfigDirectory, PostfixConfig.DeferredTable), "", ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(PostfixConfigDirectory, "vmailbox"), PostfixConfig.VirtualMailboxes(Users), ct).ConfigureAwait(false);
        await StartPostfixAsync(ct).ConfigureAwait(false);
        StartPostfixWatchdog();
    }

    /// <summary>Starts Postfix again (same ports, same queue) after <see cref="StopPostfixAsync"/>.</summary>
    public async Task StartPostfixAsync(CancellationToken ct = default)
    {
        // A config file changed less than ~2 s ago makes Postfix wait for it to "cool" (pitfall 1).
        var old = DateTime.UtcNow.AddMinutes(-1);
        foreach (var file in System.IO.Directory.GetFiles(PostfixConfigDirectory))
            File.SetLastWriteTimeUtc(file, old);
        var rc = await PostfixCommandAsync(ct, "start").ConfigureAwait(false);
        if (rc != 0)
            throw new InvalidOperationException($"postfix start failed (rc {rc}): {ReadTail(PostfixLogPath)}");
        _postfixRunning = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.StartTimeout);
        try
        {
            await WaitForSmtpBannerAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Postfix did not answer within {_options.StartTimeout}: {ReadTail(PostfixLogPath)}");
        }
    }

    /// <summary>Stops Postfix (open SMTP sessions are dropped; queued mail stays in the spool).</summary>
    public async Task StopPostfixAsync(CancellationToken ct = default)
    {
        if (!_postfixRunning)
            return;
        await PostfixCommandAsync(ct, "stop").ConfigureAwait(false);
        _postfixRunning = false;
    }

    /// <summary>Delivers queued mail now (<c>postqueue -f</c>) instead of waiting for the next queue run.</summary>
    public async Task FlushPostfixQueueAsync(CancellationToken ct = default)
    {
        using var process = Process.Start("postqueue", ["-c", PostfixConfigDirectory, "-f"]);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The Postfix log lines so far.</summary>
    public IReadOnlyList<string> ReadPostfixLogLines()
    {
        if (!File.Exists(PostfixLogPath))
            return [];
        using var stream = new FileStream(PostfixLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task<int> PostfixCommandAsync(CancellationToken ct, string verb)
    {
        var info = new ProcessStartInfo("postfix") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(PostfixConfigDirectory);
        info.ArgumentList.Add(verb);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run postfix.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        await Task.WhenAll(output, error).ConfigureAwait(false);
        return process.ExitCode;
    }

    private async Task WaitForSmtpBannerAsync(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(Host, SmtpPort, ct).ConfigureAwait(false);
                var buffer = new byte[256];
                using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                readTimeout.CancelAfter(TimeSpan.FromSeconds(3));
                var n = await tcp.GetStream().ReadAsync(buffer, readTimeout.Token).ConfigureAwait(false);
                if (n >= 4 && Encoding.ASCII.GetString(buffer, 0, n).StartsWith("220 ", StringComparison.Ordinal))
                    return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                // Not ready yet.
            }
            await Task.Delay(25, ct).ConfigureAwait(false);
        }
    }

    // Postfix daemonizes, so the server wrapper's watchdog does not cover it: a detached shell stops it when this
    // (test) process dies without disposing the environment.
    private void StartPostfixWatchdog()
    {
        var script = """
            ( (while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done
               kill -0 "$1" 2>/dev/null || postfix -c "$2" stop) </dev/null >/dev/null 2>&1 & )
            """;
        using var watchdog = Process.Start("/bin/sh", ["-c", script, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), PostfixConfigDirectory]);
        watchdog.WaitForExit();
    }
}
