using System.Diagnostics;

namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>The IMAP sessions Dovecot holds for <paramref name="user"/> right now (<c>doveadm who -1</c>: one line per
    /// connection), i.e. the server-side connection count a connection budget must keep within bounds.</summary>
    public async Task<int> CountConnectionsAsync(string user, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo(ServerProcess.FindExecutable("doveadm", "dovecot-core"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "-c", DovecotConfigPath, "who", "-1", user.ToLowerInvariant() }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start doveadm.");
        var output = await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.StandardError.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Count(line => line.StartsWith(user.ToLowerInvariant() + " ", StringComparison.Ordinal));
    }
}
