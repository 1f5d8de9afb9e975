using System.Diagnostics;
using System.Net.Sockets;
using System.Net.Security;
using System.Text;

namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    private string? _dovecotExe;

    /// <summary>Stops Dovecot (all sessions end) and starts it again on the same ports with the same mail.</summary>
    public async Task RestartDovecotAsync(CancellationToken ct = default)
    {
        await ServerProcess.StopAsync(_dovecot, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _dovecot = null;
        await LaunchDovecotAsync(ct).ConfigureAwait(false);
    }

    private async Task StartDovecotCoreAsync(string exe, CancellationToken ct)
    {
        _dovecotExe = exe;
        for (var attempt = 1; ; attempt++)
        {
            ImapPort = _options.ImapPort != 0 ? _options.ImapPort : ServerProcess.FreePort();
            ImapsPort = _options.ImapsPort != 0 ? _options.ImapsPort : ServerProcess.FreePort();
            var conf = DovecotConfig.Render(Directory, _account, ImapPort, ImapsPort, _options.ImapHibernateTimeout)
                + (_options.StartPostfix ? DovecotLmtpConfig.Render(Directory) : "");
            await File.WriteAllTextAsync(DovecotConfigPath, conf, ct).ConfigureAwait(false);
            ServerProcess.ChownTree(DovecotConfigPath, _account);
            try
            {
                await LaunchDovecotAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && _options.ImapPort == 0 && LogMentions("Address already in use"))
            {
                // Another process took a free port between probing and binding: try new ports.
            }
        }
    }

    private async Task LaunchDovecotAsync(CancellationToken ct)
    {
        var exe = _dovecotExe!;
        // A stale penalty socket makes auth retry connecting to it for 5 s; a stale pid file makes the master refuse to start.
        File.Delete(Path.Combine(Directory, "run", "anvil-auth-penalty"));
        File.Delete(Path.Combine(Directory, "run", "master.pid"));
        var check = ServerProcess.Start(exe, ["-c", DovecotConfigPath, "-n"], _account, Path.Combine(Directory, "log", "doveconf-check.log"));
        await check.WaitForExitAsync(ct).ConfigureAwait(false);
        if (check.ExitCode != 0)
            throw new InvalidOperationException($"dovecot.conf is invalid: {ReadTail(Path.Combine(Directory, "log", "doveconf-check.log"))}");
        check.Dispose();

        _dovecot = ServerProcess.Start(exe, ["-F", "-c", DovecotConfigPath], _account, Path.Combine(Directory, "log", "dovecot.stdout.log"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.StartTimeout);
        try
        {
            await WaitForGreetingAsync(ImapPort, tls: false, timeout.Token).ConfigureAwait(false);
            await WaitForGreetingAsync(ImapsPort, tls: true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Dovecot did not answer within {_options.StartTimeout}: {ReadTail(DovecotLogPath)}");
        }
    }

    private async Task WaitForGreetingAsync(int port, bool tls, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_cyrus is { HasExited: true })
                throw new InvalidOperationException($"Cyrus master exited with code {_cyrus.ExitCode} (78 = config error)");
            if (_dovecot is { HasExited: true })
                throw new InvalidOperationException($"Dovecot exited with code {_dovecot.ExitCode}: {ReadTail(DovecotLogPath)} {ReadTail(Path.Combine(Directory, "log", "dovecot.stdout.log"))}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(Host, port, ct).ConfigureAwait(false);
                await using Stream stream = tls ? new SslStream(tcp.GetStream(), false, TestCertificates.CreateValidator(CaCertificatePath)) : tcp.GetStream();
                if (stream is SslStream ssl)
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct).ConfigureAwait(false);
                var buffer = new byte[256];
                using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                readTimeout.CancelAfter(TimeSpan.FromSeconds(2));
                var n = await stream.ReadAsync(buffer, readTimeout.Token).ConfigureAwait(false);
                if (n >= 4 && Encoding.ASCII.GetString(buffer, 0, n).StartsWith("* OK", StringComparison.Ordinal))
                    return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                // Not ready yet.
            }
            await Task.Delay(25, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Number of successful IMAP logins of <paramref name="user"/> so far, read from the Dovecot log.</summary>
    /// <remarks>Dovecot's log process writes the line a few milliseconds after the login completes.</remarks>
    public int CountLogins(string user) => _logins.Count(user);

    /// <summary>Waits until <see cref="CountLogins"/> reaches <paramref name="atLeast"/> (or the timeout passes) and returns the count.</summary>
    public async Task<int> WaitForLoginsAsync(string user, int atLeast, TimeSpan timeout, CancellationToken ct = default)
    {
        var until = Stopwatch.StartNew();
        int count;
        while ((count = CountLogins(user)) < atLeast && until.Elapsed < timeout)
            await Task.Delay(20, ct).ConfigureAwait(false);
        return count;
    }

    /// <summary>The Dovecot log lines so far (shared read, the server keeps writing).</summary>
    public IReadOnlyList<string> ReadLogLines()
    {
        if (!File.Exists(DovecotLogPath))
            return [];
        using var stream = new FileStream(DovecotLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
            lines.Add(line);
        return lines;
    }

    private bool LogMentions(string text) =>
        ReadLogLines().Any(l => l.Contains(text, StringComparison.Ordinal))
        || ReadTail(Path.Combine(Directory, "log", "dovecot.stdout.log")).Contains(text, StringComparison.Ordinal);

    private static string ReadTail(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(0, stream.Length - 2000), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
