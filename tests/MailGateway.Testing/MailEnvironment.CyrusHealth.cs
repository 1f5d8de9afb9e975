using System.Globalization;
using System.Net.Sockets;

namespace MailGateway.Testing;

/// <summary>
/// Keeps a long-lived (shared) Cyrus listening, a safety net: every later test would see "connection refused". The
/// cause once seen (another Cyrus master's shutdown signalling the shared one through a common process group) is fixed
/// where master starts; what remains possible is Cyrus' master closing a service's listener ("too many failures for
/// service …, disabling until next SIGHUP") after five of its children died abnormally in the READY state within ten
/// seconds. This check finds a closed listener or a dead master, says so on stderr and in
/// <c>TMP/mailenv-recoveries.log</c>, and brings the listener back (SIGHUP, as master asks; a relaunch if master is gone).
/// </summary>
public sealed partial class MailEnvironment
{
    private readonly SemaphoreSlim _cyrusHealth = new(1, 1);

    /// <summary>How often <see cref="EnsureCyrusListeningAsync"/> had to bring Cyrus back in this environment.</summary>
    public int CyrusRecoveries { get; private set; }

    /// <summary>Checks that Cyrus accepts connections on both ports and brings it back when it does not (no-op for Dovecot).</summary>
    public async Task EnsureCyrusListeningAsync(CancellationToken ct = default)
    {
        if (Server != MailServerKind.Cyrus || await CyrusListensAsync(ct).ConfigureAwait(false))
            return;
        await _cyrusHealth.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (await CyrusListensAsync(ct).ConfigureAwait(false))
                return;
            var log = Path.Combine(CyrusDirectory!, "log", "master.log");
            string what;
            if (_cyrus is not { HasExited: false } master)
            {
                what = $"master is gone (exit code {(_cyrus is { } gone ? gone.ExitCode.ToString(CultureInfo.InvariantCulture) : "?")}); relaunched. master.log: {ReadTail(log)}";
                _cyrus?.Dispose();
                _cyrus = null;
                await LaunchCyrusAsync(ct).ConfigureAwait(false);
            }
            else
            {
                what = $"master {master.Id} alive but a listener is closed (service disabled after READY failures); sent SIGHUP";
                await SignalAsync("HUP", master.Id).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(_options.StartTimeout);
                await WaitForGreetingAsync(ImapPort, tls: false, timeout.Token).ConfigureAwait(false);
                await WaitForGreetingAsync(ImapsPort, tls: true, timeout.Token).ConfigureAwait(false);
            }
            CyrusRecoveries++;
            var line = $"{DateTime.UtcNow:O} Cyrus on {ImapPort}/{ImapsPort} ({Directory}) stopped listening: {what}";
            await Console.Error.WriteLineAsync(line).ConfigureAwait(false);
            await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "mailenv-recoveries.log"), line + Environment.NewLine, ct).ConfigureAwait(false);
        }
        finally
        {
            _cyrusHealth.Release();
        }
    }

    private async Task<bool> CyrusListensAsync(CancellationToken ct) =>
        _cyrus is { HasExited: false } && await AcceptsAsync(ImapPort, ct).ConfigureAwait(false) && await AcceptsAsync(ImapsPort, ct).ConfigureAwait(false);

    // A plain TCP connect: refused means nothing listens. The accepted connection is closed at once (imapd sees EOF).
    private async Task<bool> AcceptsAsync(int port, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(Host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return true; // slow, not closed: a backlog under load is not what this check repairs
        }
    }
}
